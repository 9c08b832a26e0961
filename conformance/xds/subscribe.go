package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"
)

const secretType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"

// xdsClient is how the gateway's Envoy reaches Envoy Gateway: mTLS with the client certificate of
// the `envoy` Secret (tls.crt, tls.key), the server verified against its ca.crt under the name
// the rendered bootstrap requires.
type xdsClient struct {
	addr, certs, serverName string
}

func (c xdsClient) dial() (*grpc.ClientConn, error) {
	pair, err := tls.LoadX509KeyPair(filepath.Join(c.certs, "tls.crt"), filepath.Join(c.certs, "tls.key"))
	if err != nil {
		return nil, fmt.Errorf("client certificate: %w", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(c.certs, "ca.crt"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("no certificate in %s/ca.crt", c.certs)
	}
	creds := credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{pair}, RootCAs: pool, ServerName: c.serverName, MaxVersion: tls.VersionTLS13,
	})
	return grpc.NewClient(c.addr, grpc.WithTransportCredentials(creds))
}

// secrets subscribes over SotW ADS as node {id, cluster} (Envoy Gateway picks the snapshot by
// the cluster, which its bootstrap sets to the gateway's name) to the named Secrets and returns
// them decoded from the wire as served, after acknowledging the response.
func (c xdsClient) secrets(ctx context.Context, node *corev3.Node, names []string) (map[string]*tlsv3.Secret, error) {
	conn, err := c.dial()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stream, err := discoveryv3.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		return nil, fmt.Errorf("ADS stream to %s: %w", c.addr, err)
	}
	defer func() { _ = stream.CloseSend() }()
	req := &discoveryv3.DiscoveryRequest{Node: node, TypeUrl: secretType, ResourceNames: names}
	got := map[string]*tlsv3.Secret{}
	for {
		if err := stream.Send(req); err != nil {
			return nil, fmt.Errorf("ADS request: %w", err)
		}
		if len(got) == len(names) {
			return got, nil
		}
		resp, err := stream.Recv()
		if err != nil {
			return nil, fmt.Errorf("waiting for Secrets %v from %s (got %d): %w", names, c.addr, len(got), err)
		}
		for _, r := range resp.GetResources() {
			if r.GetTypeUrl() != secretType {
				return nil, fmt.Errorf("served resource of type %s, asked for %s", r.GetTypeUrl(), secretType)
			}
			s := &tlsv3.Secret{}
			if err := (proto.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(r.GetValue(), s); err != nil {
				return nil, fmt.Errorf("served Secret does not decode: %w", err)
			}
			got[s.GetName()] = s
		}
		// The next request acknowledges this response (Envoy's ACK).
		req = &discoveryv3.DiscoveryRequest{Node: node, TypeUrl: secretType, ResourceNames: names,
			VersionInfo: resp.GetVersionInfo(), ResponseNonce: resp.GetNonce()}
	}
}
