package notify

import "github.com/prometheus/client_golang/prometheus"

// metrics are the outbox's own, exported through the Outbox as a
// prometheus.Collector.
type metrics struct {
	sent    prometheus.Counter
	failed  prometheus.Counter
	pending prometheus.Gauge
}

func newMetrics() metrics {
	return metrics{
		sent: prometheus.NewCounter(prometheus.CounterOpts{Name: "award_mail_sent_total",
			Help: "Messages this process sent (accepted by the mail relay)."}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "award_mail_failed_total",
			Help: "Delivery attempts of this process that failed; each message is retried until sent."}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "award_mail_pending",
			Help: "Messages in the outbox not yet sent, failing ones included, at this process's last pass."}),
	}
}

// Describe implements prometheus.Collector.
func (o *Outbox) Describe(ch chan<- *prometheus.Desc) {
	o.m.sent.Describe(ch)
	o.m.failed.Describe(ch)
	o.m.pending.Describe(ch)
}

// Collect implements prometheus.Collector: award_mail_sent_total,
// award_mail_failed_total and award_mail_pending. It reads no store.
func (o *Outbox) Collect(ch chan<- prometheus.Metric) {
	o.m.sent.Collect(ch)
	o.m.failed.Collect(ch)
	o.m.pending.Collect(ch)
}
