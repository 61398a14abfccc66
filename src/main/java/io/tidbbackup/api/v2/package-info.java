/**
 * TiDB Operator v2's backup API, {@code br.pingcap.com/v1alpha1}: the same four kinds over the same
 * model as {@code pingcap.com/v1alpha1} (each class here extends its v1 class and only names its
 * group; its printer columns and CEL rules are inherited). What differs between the two groups (the
 * served field set, the status shape, the finalizer, the cluster objects) is said in one place,
 * {@code io.tidbbackup.operator.surface.ApiSurface}, and for the CRDs in {@code
 * io.tidbbackup.crd.V2Schema}.
 */
package io.tidbbackup.api.v2;
