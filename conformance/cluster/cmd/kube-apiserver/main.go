// Command kube-apiserver runs Kubernetes' own kube-apiserver command with an etcd embedded in the
// same process, the way Kubernetes' integration tests start their control plane.
//
// Environment: ATLS_ETCD_DIR (data directory), ATLS_ETCD_CLIENT_URL and ATLS_ETCD_PEER_URL
// (http://127.0.0.1:PORT). Every argument is passed to kube-apiserver, plus --etcd-servers.
package main

import (
	"fmt"
	"net/url"
	"os"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func mustURL(env string) url.URL {
	u, err := url.Parse(os.Getenv(env))
	if err != nil || u.Host == "" {
		fmt.Fprintf(os.Stderr, "%s must be set to a URL like http://127.0.0.1:2379 (got %q)\n", env, os.Getenv(env))
		os.Exit(2)
	}
	return *u
}

func startEtcd() *embed.Etcd {
	cfg := embed.NewConfig()
	cfg.Name = "atls"
	cfg.Dir = os.Getenv("ATLS_ETCD_DIR")
	if cfg.Dir == "" {
		fmt.Fprintln(os.Stderr, "ATLS_ETCD_DIR must name the etcd data directory")
		os.Exit(2)
	}
	client, peer := mustURL("ATLS_ETCD_CLIENT_URL"), mustURL("ATLS_ETCD_PEER_URL")
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "error"
	// A throwaway cluster: no fsync wait on every write.
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "embedded etcd: %v\n", err)
		os.Exit(1)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		fmt.Fprintln(os.Stderr, "embedded etcd: not ready after 60s")
		os.Exit(1)
	}
	return e
}

func main() {
	e := startEtcd()
	defer e.Close()
	command := app.NewAPIServerCommand()
	command.SetArgs(append(os.Args[1:], "--etcd-servers="+os.Getenv("ATLS_ETCD_CLIENT_URL")))
	code := cli.Run(command)
	e.Close()
	os.Exit(code)
}
