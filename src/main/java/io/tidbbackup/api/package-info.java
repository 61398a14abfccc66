/**
 * The custom-resource model of {@code pingcap.com/v1alpha1}: field names, types and defaults follow
 * TiDB Operator v1.6 so that its manifests apply unchanged. Only small helpers live here; no logic.
 */
package io.tidbbackup.api;
