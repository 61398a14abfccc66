// Stand-in for BR in the test node's pingcap/br image (test infrastructure only, never shipped): BR cannot
// run here (there is no TiKV), so this does on the storage what BR's run leaves there and prints what BR
// prints at its end, with the values the agent reads.
//
//	br backup full|db|table   writes a backup in BR's layout under --storage (SST files in store
//	                          directories, backup.lock, backupmeta holding the BackupTS), prints the
//	                          progress and the success summary; STANDIN_OBJECTS (default 200) objects
//	br restore full|db|table  reads backupmeta first, as BR does; a missing one fails like BR
//	br restore point          prints the restore-to TS (--restored-ts)
//	br log start              writes the log backup's marker files and prints its start-ts
//	br log …, br abort …      succeed
//
// Every command first reads BR's encryption flags as BR does (crypter.go): a key file that is missing or
// unreadable fails the run with BR's message; a snapshot backup's backupmeta is encrypted with the key, and a
// restore must give the same key to read it (a pitr restore with --crypter.* reads the full backup's).
//
// A storage path with a segment "fail" (s3://bucket/team/fail) fails as BR does; one with a segment "slow"
// runs for two minutes first (until SIGTERM), for the tests that stop a run midway. S3 only (path style, Signature V4 from AWS_ACCESS_KEY_ID
// and AWS_SECRET_ACCESS_KEY, the endpoint from --s3.endpoint): the test node's storage is an S3 server.
// Standard library only, so that the image builds from the repo alone.
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	args := os.Args[1:]
	if hasSegment(args, "slow") {
		// a run that takes long, for the tests that stop one midway (SIGTERM ends it)
		step := "Full Restore"
		if args[0] == "backup" {
			step = "Full Backup"
		}
		fmt.Printf("[INFO] [progress.go:1] [progress] [step=%q] [progress=1.00%%]\n", step)
		time.Sleep(120 * time.Second)
	}
	if hasSegment(args, "fail") {
		fmt.Println(`[ERROR] [main.go:58] ["br failed"] [error="stand-in: told to fail"]`)
		os.Exit(1)
	}
	if len(args) < 2 {
		fmt.Println("Usage:\n  br [command]")
		os.Exit(1)
	}
	flags := parseFlags(args[2:])
	keys, err := parseCrypters(flags)
	if err != nil {
		fmt.Printf("[ERROR] [main.go:58] [\"br failed\"] [error=%q]\n", err.Error())
		os.Exit(1)
	}
	switch args[0] + " " + args[1] {
	case "backup full", "backup db", "backup table":
		err = backup(flags, keys)
	case "restore point":
		err = restorePoint(flags, keys)
	case "restore full", "restore db", "restore table":
		err = restore(flags, keys)
	case "log start":
		err = logStart(flags)
	default:
		fmt.Printf("[INFO] [stand-in] [%q]\n", strings.Join(args[:2], " ")+" done")
	}
	if err != nil {
		fmt.Printf("[ERROR] [main.go:58] [\"br failed\"] [error=%q]\n", err.Error())
		os.Exit(1)
	}
}

// hasSegment: an argument with this path segment (s3://bucket/team/fail).
func hasSegment(args []string, name string) bool {
	for _, a := range args {
		for _, seg := range strings.FieldsFunc(a, func(r rune) bool { return r == '/' || r == '?' || r == '=' }) {
			if seg == name {
				return true
			}
		}
	}
	return false
}

// parseFlags reads --name=value and --name value (the forms the agent writes).
func parseFlags(args []string) map[string]string {
	out := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := strings.TrimLeft(args[i], "-")
		if a == args[i] {
			continue
		}
		if k, v, ok := strings.Cut(a, "="); ok {
			out[k] = v
		} else if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			out[a] = args[i+1]
			i++
		} else {
			out[a] = "true"
		}
	}
	return out
}

// tso is a TiDB timestamp: milliseconds since the epoch, shifted past the 18 logical bits.
func tso(t time.Time) string {
	return strconv.FormatInt(t.UnixMilli()<<18, 10)
}

func backup(flags map[string]string, ck *crypters) error {
	st, err := storageOf(flags)
	if err != nil {
		return err
	}
	n := 200
	if v, err := strconv.Atoi(os.Getenv("STANDIN_OBJECTS")); err == nil && v > 2 {
		n = v
	}
	ts := tso(time.Now())
	sst := bytes.Repeat([]byte{'s'}, 512)
	keys := make(chan string)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range keys {
				if err := st.put(k, sst); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := 0; i < n-2; i++ {
		kind := "write"
		if i%2 == 0 {
			kind = "default"
		}
		keys <- fmt.Sprintf("%d/%d_%d_%s.sst", 1+i%3, 1000+i, i%7, kind)
	}
	close(keys)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	if err := st.put("backup.lock", []byte("stand-in br")); err != nil {
		return err
	}
	meta, err := encryptMeta(ck.snapshot, []byte(ts))
	if err != nil {
		return err
	}
	if err := st.put("backupmeta", meta); err != nil {
		return err
	}
	size := (n - 2) * len(sst)
	fmt.Println(`[INFO] [progress.go:1] [progress] [step="Full Backup"] [progress=100.00%]`)
	fmt.Printf("[INFO] [collector.go:77] [\"Full Backup success summary\"] [total-ranges=%d] "+
		"[backup-total-ranges=%d] [total-take=1s] [BackupTS=%s] [total-kv=%d] [Size=%d]\n", n-2, n-2, ts, n-2, size)
	return nil
}

func restore(flags map[string]string, keys *crypters) error {
	ts, err := readBackupTS(flags, flags["storage"], keys)
	if err != nil {
		return err
	}
	fmt.Println(`[INFO] [progress.go:1] [progress] [step="Full Restore"] [progress=100.00%]`)
	fmt.Printf("[INFO] [collector.go:77] [\"Full Restore success summary\"] [total-ranges=1] [BackupTS=%s] [Size=1024]\n", ts)
	return nil
}

// readBackupTS reads the backupmeta under a storage URL, decrypted with the snapshot key when one is given.
func readBackupTS(flags map[string]string, storage string, keys *crypters) (string, error) {
	st, err := storageAt(storage, flags)
	if err != nil {
		return "", err
	}
	meta, err := st.get("backupmeta")
	if err != nil {
		return "", fmt.Errorf("[BR:ExternalStorage:ErrStorageInvalidConfig] %s/backupmeta not found: %v", storage, err)
	}
	ts, err := backupTS(keys.snapshot, meta)
	if err != nil {
		return "", fmt.Errorf("load backupmeta of %s: %v", storage, err)
	}
	return ts, nil
}

// restorePoint prints the restore-to TS. With a snapshot key it reads the full backup's backupmeta first,
// with a master key its file (BR's encryption manager reads it for the log's data keys).
func restorePoint(flags map[string]string, keys *crypters) error {
	if keys.snapshot != nil && flags["full-backup-storage"] != "" {
		if _, err := readBackupTS(flags, flags["full-backup-storage"], keys); err != nil {
			return err
		}
	}
	if keys.masterKeyPath != "" {
		if err := readMasterKey(keys.masterKeyPath); err != nil {
			return err
		}
	}
	ts := flags["restored-ts"]
	if ts == "" || ts == "0" {
		ts = tso(time.Now())
	}
	fmt.Printf("[INFO] [collector.go:77] [\"restore log success summary\"] [restore-to=%s]\n", ts)
	return nil
}

func logStart(flags map[string]string) error {
	st, err := storageOf(flags)
	if err != nil {
		return err
	}
	for _, k := range []string{"backup.lock", "v1/backupmeta/1.meta", "v1/global_checkpoint/1.ts"} {
		if err := st.put(k, []byte("log backup")); err != nil {
			return err
		}
	}
	fmt.Printf("[INFO] [stream.go:1] [\"log start\"] [start-ts=%s]\n", tso(time.Now()))
	return nil
}

// s3 is one bucket and prefix of an S3 server, addressed path style.
type s3 struct {
	endpoint, bucket, prefix, key, secret string
}

func storageOf(flags map[string]string) (*s3, error) {
	return storageAt(flags["storage"], flags)
}

func storageAt(storage string, flags map[string]string) (*s3, error) {
	u, err := url.Parse(storage)
	if err != nil || u.Scheme != "s3" {
		return nil, fmt.Errorf("the stand-in br writes to s3:// storage only, not %q", storage)
	}
	endpoint := flags["s3.endpoint"]
	if endpoint == "" {
		endpoint = u.Query().Get("endpoint")
	}
	if endpoint == "" {
		return nil, fmt.Errorf("the stand-in br needs --s3.endpoint (the test's S3 server)")
	}
	return &s3{
		endpoint: strings.TrimRight(endpoint, "/"),
		bucket:   u.Host,
		prefix:   strings.Trim(u.Path, "/"),
		key:      os.Getenv("AWS_ACCESS_KEY_ID"),
		secret:   os.Getenv("AWS_SECRET_ACCESS_KEY"),
	}, nil
}

func (s *s3) path(key string) string {
	p := "/" + s.bucket + "/"
	if s.prefix != "" {
		p += s.prefix + "/"
	}
	return p + key
}

func (s *s3) put(key string, body []byte) error {
	_, err := s.do(http.MethodPut, key, body)
	return err
}

func (s *s3) get(key string) ([]byte, error) {
	return s.do(http.MethodGet, key, nil)
}

func (s *s3) do(method, key string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(method, s.endpoint+s.path(key), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	s.sign(req, body, time.Now().UTC())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: HTTP %d", method, req.URL.Path, resp.StatusCode)
	}
	return out, nil
}

// sign adds AWS Signature Version 4 headers (region us-east-1, service s3).
func (s *s3) sign(req *http.Request, body []byte, now time.Time) {
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	amzDate := now.Format("20060102T150405Z")
	day := now.Format("20060102")
	req.Header.Set("x-amz-date", amzDate)
	req.Header.Set("x-amz-content-sha256", payload)
	headers := map[string]string{
		"host":                 req.URL.Host,
		"x-amz-content-sha256": payload,
		"x-amz-date":           amzDate,
	}
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, k := range names {
		canonHeaders.WriteString(k + ":" + headers[k] + "\n")
	}
	signed := strings.Join(names, ";")
	canonical := strings.Join([]string{
		req.Method, req.URL.EscapedPath(), "", canonHeaders.String(), signed, payload,
	}, "\n")
	scope := day + "/us-east-1/s3/aws4_request"
	h := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(h[:])
	k := mac([]byte("AWS4"+s.secret), day)
	k = mac(k, "us-east-1")
	k = mac(k, "s3")
	k = mac(k, "aws4_request")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+s.key+"/"+scope+
		", SignedHeaders="+signed+", Signature="+hex.EncodeToString(mac(k, toSign)))
}

func mac(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
