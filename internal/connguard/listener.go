// Package connguard bounds what clients can hold of an HTTP server,
// whatever they do: how many connections one client and all clients may
// have open (Listener), and how long a request's body may take to arrive
// (ReadDeadlines). Together with the server's header timeout and idle
// timeout, every connection either makes progress or is closed.
package connguard

import (
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Limits bound the connections of a Listener. Zero fields are unbounded.
type Limits struct {
	// Total is the most connections open at once, below the process's
	// file-descriptor limit so that the storage, the log and the health
	// check always find one.
	Total int
	// PerClient is the most connections one client may have open; a client
	// is its IPv4 address or its IPv6 prefix of IPv6Prefix bits. Leave it
	// zero behind a reverse proxy, where every connection comes from the
	// proxy (which limits clients itself).
	PerClient int
	// IPv6Prefix is the prefix length that makes one IPv6 client (an ISP
	// gives a household or office a /64, or a shorter prefix): default 64.
	IPv6Prefix int
}

const refusalText = "同时打开的连接过多，本次请求没有处理。请关闭多余的页面，稍等片刻后再试。\n"

// refusal is what a connection over a limit is told before it is closed.
var refusal = []byte("HTTP/1.1 503 Service Unavailable\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Retry-After: 30\r\n" +
	"Connection: close\r\n" +
	"Content-Length: " + strconv.Itoa(len(refusalText)) + "\r\n\r\n" + refusalText)

// Listener wraps a net.Listener and refuses connections over its limits:
// each is answered with a short 503 and closed at once, so that neither the
// backlog nor the descriptors fill up.
type Listener struct {
	net.Listener
	limits Limits

	mu      sync.Mutex
	total   int
	clients map[netip.Prefix]int

	refused atomic.Int64
}

// descriptorReserve is how many file descriptors Listen keeps free of
// connections: for the storage's connections, files, logs and the
// listener itself.
const descriptorReserve = 128

// Listen wraps ln with limits. A Total above the process's descriptor
// limit less a reserve is lowered to it, so that connections can never
// take the descriptors the process needs for anything else.
func Listen(ln net.Listener, limits Limits) *Listener {
	if fds := descriptorLimit(); fds > 0 {
		if fit := max(fds-descriptorReserve, fds/2); limits.Total <= 0 || limits.Total > fit {
			limits.Total = fit
		}
	}
	if limits.IPv6Prefix <= 0 || limits.IPv6Prefix > 128 {
		limits.IPv6Prefix = 64
	}
	return &Listener{Listener: ln, limits: limits, clients: map[netip.Prefix]int{}}
}

// Accept returns the next connection within the limits.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		client := ClientOf(c.RemoteAddr(), l.limits.IPv6Prefix)
		if l.take(client) {
			return &conn{Conn: c, release: func() { l.give(client) }}, nil
		}
		l.refused.Add(1)
		refuse(c)
	}
}

// take counts a new connection of client if the limits allow it.
func (l *Listener) take(client netip.Prefix) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limits.Total > 0 && l.total >= l.limits.Total {
		return false
	}
	if l.limits.PerClient > 0 && client.IsValid() && l.clients[client] >= l.limits.PerClient {
		return false
	}
	l.total++
	if client.IsValid() {
		l.clients[client]++
	}
	return true
}

func (l *Listener) give(client netip.Prefix) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if client.IsValid() {
		if l.clients[client]--; l.clients[client] <= 0 {
			delete(l.clients, client)
		}
	}
}

// Limits are the limits in force (Total as fitted to the descriptors).
func (l *Listener) Limits() Limits { return l.limits }

// Open is the number of connections open now.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// Refused is the number of connections refused so far.
func (l *Listener) Refused() int64 { return l.refused.Load() }

// refuse tells a connection over a limit so, briefly, and closes it.
func refuse(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.Write(refusal)
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_ = c.Close()
}

// ClientOf is the client a remote address stands for: an IPv4 address as
// a /32, an IPv6 address as its prefix of ipv6Prefix bits. An address that
// is not IP gives the zero Prefix.
func ClientOf(addr net.Addr, ipv6Prefix int) netip.Prefix {
	var ip netip.Addr
	switch a := addr.(type) {
	case *net.TCPAddr:
		ip, _ = netip.AddrFromSlice(a.IP)
	default:
		ap, err := netip.ParseAddrPort(addr.String())
		if err != nil {
			return netip.Prefix{}
		}
		ip = ap.Addr()
	}
	return ClientPrefix(ip, ipv6Prefix)
}

// ClientPrefix is the client an IP address stands for (see ClientOf).
func ClientPrefix(ip netip.Addr, ipv6Prefix int) netip.Prefix {
	ip = ip.Unmap()
	if !ip.IsValid() {
		return netip.Prefix{}
	}
	bits := 32
	if ip.Is6() {
		bits = ipv6Prefix
		if bits <= 0 || bits > 128 {
			bits = 64
		}
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return netip.Prefix{}
	}
	return p
}

// conn gives its place back once, when closed.
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

// ReadFrom keeps the TCP connection's sendfile path for static files.
func (c *conn) ReadFrom(r io.Reader) (int64, error) { return io.Copy(c.Conn, r) }

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
