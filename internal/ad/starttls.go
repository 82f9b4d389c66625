package ad

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// startTLS asks the DC to start TLS on a plain LDAP connection (RFC 4511
// 4.14) and makes the handshake, within ctx. exdiag does it rather than
// go-ldap's StartTLS, which would put TLS under the connection guardConn
// watches; it also keeps the handshake's errors whole.
func startTLS(ctx context.Context, raw net.Conn, cfg *tls.Config) (*tls.Conn, error) {
	// go-ldap takes no context: a deadline in the past stops the exchange.
	stop := context.AfterFunc(ctx, func() { _ = raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		_ = raw.SetDeadline(d)
	}
	req := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Request")
	req.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 1, "MessageID"))
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationExtendedRequest, nil, "Start TLS")
	op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, "1.3.6.1.4.1.1466.20037", "TLS Extended Command"))
	req.AppendChild(op)
	if _, err := raw.Write(req.Bytes()); err != nil {
		return nil, ctxErr(ctx, err)
	}
	// The answer is a few dozen bytes; ReadPacket reads no further.
	resp, err := ber.ReadPacket(&io.LimitedReader{R: raw, N: 64 << 10})
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	if len(resp.Children) < 2 || resp.Children[1].Tag != ldap.ApplicationExtendedResponse {
		return nil, ldap.NewError(ldap.ErrorUnexpectedResponse, errors.New("the answer to StartTLS is not an extended response"))
	}
	if err := ldap.GetLDAPError(resp); err != nil {
		return nil, err
	}
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	_ = raw.SetDeadline(time.Time{})
	return tc, nil
}

// ctxErr prefers the context's error to the one its deadline caused.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
