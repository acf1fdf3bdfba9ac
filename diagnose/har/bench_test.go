package har

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkRead200MB diagnoses a generated HAR of about 200 MB: 2,000
// entries of 100 KB (scripts and base64 images, as a web app's page load
// records) with the OAuth entries of testdata/chrome-success.har in the
// middle. It reports the throughput and the peak heap in use, sampled
// every 20 ms, which shows that memory follows the largest entry rather
// than the file. Run it with
//
//	go test -run x -bench Read200MB -benchtime 1x ./diagnose/har
func BenchmarkRead200MB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "large.har")
	size := writeLargeHAR(b, path, 2000)
	b.SetBytes(size)
	b.ReportAllocs()

	runtime.GC()
	peak := sampleHeap()
	b.ResetTimer()
	for range b.N {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Diagnose(f)
		f.Close()
		if err != nil {
			b.Fatalf("Diagnose: %v", err)
		}
		if !rep.OK || len(rep.Steps) != 5 || rep.Info.Entries != 2007 {
			b.Fatalf("report: OK %v, %d steps, %d entries; want true, 5, 2007", rep.OK, len(rep.Steps), rep.Info.Entries)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}

// sampleHeap samples HeapInuse until the returned function is called,
// which returns the maximum seen.
func sampleHeap() func() uint64 {
	var (
		mu      sync.Mutex
		maxHeap uint64
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(20 * time.Millisecond)
		defer ticker.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			maxHeap = max(maxHeap, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return maxHeap
	}
}

// writeLargeHAR writes a HAR of n irrelevant 100 KB entries with the
// sign-in of chrome-success.har after the first half, and returns its size.
func writeLargeHAR(b *testing.B, path string, n int) int64 {
	b.Helper()
	src, err := os.ReadFile("testdata/chrome-success.har")
	if err != nil {
		b.Fatal(err)
	}
	var signIn struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(src, &signIn); err != nil {
		b.Fatal(err)
	}

	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	script := strings.Repeat("function f(a){return a*2+1}// padding for a bundled script\n", 100<<10/58)
	image := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x89PNG\r\n\x1a\n\x00\x01\x02\xff", 75<<10/12)))

	fmt.Fprint(w, `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],"entries":[`)
	for i := range n {
		if i > 0 {
			w.WriteString(",")
		}
		if i == n/2 {
			for _, e := range signIn.Log.Entries {
				w.Write(e)
				w.WriteString(",")
			}
		}
		start := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second / 10)
		content := fmt.Sprintf(`{"size":%d,"mimeType":"text/javascript","text":%q}`, len(script), script)
		if i%2 == 1 {
			content = fmt.Sprintf(`{"size":%d,"mimeType":"image/png","encoding":"base64","text":"%s"}`, len(image)*3/4, image)
		}
		fmt.Fprintf(w, `{"_initiator":{"type":"parser"},"_resourceType":"script","startedDateTime":%q,"time":12.5,`+
			`"request":{"method":"GET","url":"https://cdn.acme.test/assets/chunk-%d.js","httpVersion":"http/2.0",`+
			`"headers":[{"name":"accept","value":"*/*"}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},`+
			`"response":{"status":200,"statusText":"","httpVersion":"http/2.0","headers":[{"name":"content-type","value":"text/javascript"}],`+
			`"cookies":[],"content":%s,"redirectURL":"","headersSize":-1,"bodySize":-1},"cache":{},`+
			`"timings":{"blocked":1,"dns":-1,"ssl":-1,"connect":-1,"send":0.2,"wait":10,"receive":1.3}}`,
			start.Format(time.RFC3339Nano), i, content)
	}
	w.WriteString("]}}\n")

	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	info, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return info.Size()
}
