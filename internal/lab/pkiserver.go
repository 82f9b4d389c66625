package lab

import (
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// PKIServer is the lab CA's web server on loopback: its CRLs, its CA
// certificates (caIssuers) and its OCSP responder over plain HTTP, as an
// enterprise CA publishes them.
type PKIServer struct {
	srv *http.Server
	ln  net.Listener
}

// StartPKIServer serves pub at addr ("127.0.0.5:0").
func StartPKIServer(addr string, pub *Publication) (*PKIServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &PKIServer{ln: ln}
	mux := http.NewServeMux()
	for path, body := range pub.Files {
		ctype := "application/pkix-crl"
		if len(path) > 5 && path[:5] == "/aia/" {
			ctype = "application/pkix-cert"
		}
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		})
	}
	mux.HandleFunc("POST /ocsp", func(w http.ResponseWriter, r *http.Request) {
		req, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/ocsp-response")
		w.Write(pub.OCSP(req))
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return
		}
	}()
	return s, nil
}

// Port is the port the server listens on.
func (s *PKIServer) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Close stops the server.
func (s *PKIServer) Close() error { return s.srv.Close() }
