package intake

import (
	"net/http"

	"github.com/zhongmou/award/internal/archive"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the intake's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg            *prometheus.Registry
	submissions    *prometheus.CounterVec
	rejections     *prometheus.CounterVec
	bytes          *prometheus.CounterVec
	storageSeconds *prometheus.HistogramVec
	janitor        *prometheus.CounterVec
}

func newMetrics() (*metrics, error) {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "award_submissions_total", Help: "Submissions committed, by kind."}, []string{"kind"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "award_rejections_total", Help: "Submissions turned down, by kind and reason code."}, []string{"kind", "code"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "award_received_bytes_total", Help: "File bytes stored, by kind; kind=upload are staged uploads, counted again under their submission's kind when claimed, then removed."}, []string{"kind"}),
		storageSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "award_storage_seconds", Help: "Storage operation latency.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 10)}, []string{"op"}),
		janitor: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "award_janitor_removed_total", Help: "Leftover objects removed by the janitor."}, []string{"what"}),
	}
	for _, c := range []prometheus.Collector{m.submissions, m.rejections, m.bytes, m.storageSeconds, m.janitor,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := m.reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// countSweep counts what a janitor sweep of the archive did.
func (m *metrics) countSweep(rep archive.SweepReport) {
	m.janitor.WithLabelValues("inflight").Add(float64(rep.Inflight))
	m.janitor.WithLabelValues("objects").Add(float64(rep.Objects))
	m.janitor.WithLabelValues("purged").Add(float64(rep.Purged))
	m.janitor.WithLabelValues("recorded").Add(float64(rep.Recorded))
	m.janitor.WithLabelValues("staged").Add(float64(rep.Staged))
}

// Registerer is the registry behind /metrics, for what runs beside the
// intake in one process (the console's mail outbox) to add its metrics.
func (s *Server) Registerer() prometheus.Registerer { return s.metrics.reg }
