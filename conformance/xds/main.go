// xds-provider-check reads the private key provider config Envoy Gateway serves to a gateway's
// Envoy, as Envoy's own API (with the contrib provider types) reads it. Two modes:
//
//	xds-provider-check -xds 127.0.0.1:18000 -certs DIR -cluster NS/GATEWAY -node ID -secret NS/NAME[=tls.key] ... [-save DIR]
//	xds-provider-check -from SECRET.json [-key tls.key]
//
// The first subscribes to Envoy Gateway's xDS server as the gateway's node and checks each named
// Secret as served (-save writes each as JSON); the second checks a Secret saved that way. One
// line per Secret ("ok" or "FAIL" with the reason); the exit status is 1 when any check failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	"google.golang.org/protobuf/encoding/protojson"
)

type secretFlags []string

func (s *secretFlags) String() string     { return strings.Join(*s, ",") }
func (s *secretFlags) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	var secrets secretFlags
	c := xdsClient{}
	flag.StringVar(&c.addr, "xds", "", "Envoy Gateway's xDS server (host:port)")
	flag.StringVar(&c.certs, "certs", "", "directory with ca.crt, tls.crt, tls.key of the `envoy` Secret")
	flag.StringVar(&c.serverName, "server-name", "envoy-gateway", "the name the xDS server's certificate must have")
	cluster := flag.String("cluster", "", "the node's cluster: the gateway's --service-cluster")
	nodeID := flag.String("node", "", "the node's id")
	flag.Var(&secrets, "secret", "a Secret to check, NS/NAME, optionally =PATH of the Kubernetes Secret's tls.key (repeatable)")
	save := flag.String("save", "", "write each served Secret as JSON into this directory")
	timeout := flag.Duration("timeout", 20*time.Second, "how long to wait for the Secrets")
	from := flag.String("from", "", "check a Secret saved as JSON instead of subscribing")
	keyFile := flag.String("key", "", "with -from: the Kubernetes Secret's tls.key")
	flag.Parse()

	if *from != "" {
		os.Exit(report(checkSaved(*from, *keyFile)))
	}
	if c.addr == "" || c.certs == "" || *cluster == "" || *nodeID == "" || len(secrets) == 0 {
		fmt.Fprintln(os.Stderr, "usage: -xds, -certs, -cluster, -node and -secret are required (or -from)")
		os.Exit(2)
	}
	os.Exit(report(checkServed(c, *cluster, *nodeID, secrets, *save, *timeout)))
}

type result struct {
	label, summary string
	err            error
}

func report(results []result) int {
	status := 0
	for _, r := range results {
		if r.err != nil {
			fmt.Printf("FAIL %s: %v\n", r.label, r.err)
			status = 1
		} else {
			fmt.Printf("ok   %s: %s\n", r.label, r.summary)
		}
	}
	return status
}

func checkServed(c xdsClient, cluster, nodeID string, specs []string, save string, timeout time.Duration) []result {
	keys := map[string][]byte{}
	var names []string
	for _, spec := range specs {
		name, keyPath, _ := strings.Cut(spec, "=")
		names = append(names, name)
		if keyPath != "" {
			k, err := os.ReadFile(keyPath)
			if err != nil {
				return []result{{label: cluster, err: err}}
			}
			keys[name] = k
		}
	}
	sort.Strings(names)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	served, err := c.secrets(ctx, &corev3.Node{Id: nodeID, Cluster: cluster}, names)
	if err != nil {
		return []result{{label: cluster, err: err}}
	}
	var out []result
	for _, name := range names {
		r := result{label: fmt.Sprintf("%s %s (served)", cluster, name)}
		s, ok := served[name]
		switch {
		case !ok:
			r.err = fmt.Errorf("Envoy Gateway served no Secret %s", name)
		case save != "":
			b, err := protojson.MarshalOptions{UseProtoNames: true, Multiline: true}.Marshal(s)
			if err == nil {
				err = os.WriteFile(filepath.Join(save, strings.ReplaceAll(name, "/", "_")+".json"), b, 0o600)
			}
			if err != nil {
				r.err = fmt.Errorf("saving the served Secret: %w", err)
				break
			}
			fallthrough
		default:
			r.summary, r.err = checkSecret(s, keys[name])
		}
		out = append(out, r)
	}
	return out
}

// checkSaved decodes a saved Secret strictly (a field Envoy's API does not know fails) and checks it.
func checkSaved(path, keyFile string) []result {
	r := result{label: filepath.Base(path) + " (saved)"}
	var key []byte
	b, err := os.ReadFile(path)
	if err == nil && keyFile != "" {
		key, err = os.ReadFile(keyFile)
	}
	if err != nil {
		r.err = err
		return []result{r}
	}
	s := &tlsv3.Secret{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(b, s); err != nil {
		r.err = fmt.Errorf("strict decode with Envoy's API: %w", err)
		return []result{r}
	}
	r.label = s.GetName() + " (" + filepath.Base(path) + ")"
	r.summary, r.err = checkSecret(s, key)
	return []result{r}
}
