package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cryptombv3alpha "github.com/envoyproxy/go-control-plane/contrib/envoy/extensions/private_key_providers/cryptomb/v3alpha"
	qatv3alpha "github.com/envoyproxy/go-control-plane/contrib/envoy/extensions/private_key_providers/qat/v3alpha"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

const pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"

func inline(s string) *corev3.DataSource {
	return &corev3.DataSource{Specifier: &corev3.DataSource_InlineString{InlineString: s}}
}

// served is a Secret as the library's policy makes Envoy Gateway serve it: the Secret's key in
// private_key (inline_bytes), the provider's config with a copy of it.
func served(t *testing.T, name string, cfg proto.Message, mutate func(*anypb.Any)) *tlsv3.Secret {
	t.Helper()
	a, err := anypb.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(a)
	}
	return &tlsv3.Secret{Name: "default/example-cert", Type: &tlsv3.Secret_TlsCertificate{TlsCertificate: &tlsv3.TlsCertificate{
		CertificateChain:   inline("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
		PrivateKey:         &corev3.DataSource{Specifier: &corev3.DataSource_InlineBytes{InlineBytes: []byte(pem)}},
		PrivateKeyProvider: &tlsv3.PrivateKeyProvider{ProviderName: name, ConfigType: &tlsv3.PrivateKeyProvider_TypedConfig{TypedConfig: a}, Fallback: true},
	}}}
}

func qat(key string, delay time.Duration) *qatv3alpha.QatPrivateKeyMethodConfig {
	return &qatv3alpha.QatPrivateKeyMethodConfig{PrivateKey: inline(key), PollDelay: durationpb.New(delay)}
}

func TestCheckSecret(t *testing.T) {
	cases := []struct {
		name, want string
		secret     *tlsv3.Secret
		key        []byte
	}{
		{"qat with the Secret's key", "", served(t, "qat", qat(pem, time.Millisecond), nil), []byte(pem)},
		{"cryptomb with the Secret's key", "", served(t, "cryptomb", &cryptombv3alpha.CryptoMbPrivateKeyMethodConfig{PrivateKey: inline(pem), PollDelay: durationpb.New(2 * time.Millisecond)}, nil), nil},
		{"placeholder left", `its private_key ("placeholder") is not the Secret's key`, served(t, "qat", qat("placeholder", time.Millisecond), nil), nil},
		{"poll_delay below 1 ms", "value must be greater than or equal to 1ms", served(t, "qat", qat(pem, 500*time.Microsecond), nil), nil},
		{"no poll_delay", "PollDelay: value is required", served(t, "qat", &qatv3alpha.QatPrivateKeyMethodConfig{PrivateKey: inline(pem)}, nil), nil},
		{"a field the config type does not know", "typed_config has fields QatPrivateKeyMethodConfig does not know: the message itself",
			served(t, "qat", qat(pem, time.Millisecond), func(a *anypb.Any) {
				a.Value = protowire.AppendBytes(protowire.AppendTag(a.Value, 9, protowire.BytesType), []byte("x"))
			}), nil},
		{"config of the other provider", "typed_config is type.googleapis.com/envoy.extensions.private_key_providers.qat.v3alpha.QatPrivateKeyMethodConfig, its factory reads",
			served(t, "cryptomb", qat(pem, time.Millisecond), nil), nil},
		{"unknown provider", `provider_name "kae" is not one of`, served(t, "kae", qat(pem, time.Millisecond), nil), nil},
		{"key differs from the Kubernetes Secret", "is not tls.key of the Kubernetes Secret", served(t, "qat", qat(pem, time.Millisecond), nil), []byte("other")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			summary, err := checkSecret(c.secret, c.key)
			if c.want == "" {
				if err != nil {
					t.Fatalf("unexpected failure: %v", err)
				}
				if !strings.Contains(summary, "private_key = the Secret's key") {
					t.Fatalf("summary %q", summary)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestCheckSavedIsStrict(t *testing.T) {
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(served(t, "qat", qat(pem, time.Millisecond), nil))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	misspelt := strings.Replace(string(b), `"poll_delay"`, `"poll_dealy"`, 1)
	if misspelt == string(b) {
		t.Fatal("the saved form has no poll_delay to misspell")
	}
	for p, s := range map[string]string{good: string(b), bad: misspelt} {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if r := checkSaved(good, ""); r[0].err != nil {
		t.Fatalf("the saved Secret itself fails: %v", r[0].err)
	}
	if r := checkSaved(bad, ""); r[0].err == nil || !strings.Contains(r[0].err.Error(), `unknown field "poll_dealy"`) {
		t.Fatalf("a misspelt field: got %v", r[0].err)
	}
}
