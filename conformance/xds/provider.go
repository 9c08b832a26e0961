package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	cryptombv3alpha "github.com/envoyproxy/go-control-plane/contrib/envoy/extensions/private_key_providers/cryptomb/v3alpha"
	qatv3alpha "github.com/envoyproxy/go-control-plane/contrib/envoy/extensions/private_key_providers/qat/v3alpha"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
)

// providerConfig is what the two contrib provider configs have in common.
type providerConfig interface {
	proto.Message
	GetPrivateKey() *corev3.DataSource
	GetPollDelay() *durationpb.Duration
	ValidateAll() error
}

// providers maps each provider_name the library emits to the config type Envoy's factory for
// that name decodes typed_config into.
var providers = map[string]func() providerConfig{
	"qat":      func() providerConfig { return &qatv3alpha.QatPrivateKeyMethodConfig{} },
	"cryptomb": func() providerConfig { return &cryptombv3alpha.CryptoMbPrivateKeyMethodConfig{} },
}

// checkSecret reads the private key provider of a served Secret as Envoy would: the config of
// the named provider decoded from typed_config with no field left unknown, Envoy's proto rules
// (ValidateAll) on the Secret and the config, and the provider's key equal to the Secret's own
// key (and to wantKey, the PEM of the Kubernetes Secret, when given). It returns a summary.
func checkSecret(s *tlsv3.Secret, wantKey []byte) (string, error) {
	if u := unknownFields(s.ProtoReflect(), ""); u != "" {
		return "", fmt.Errorf("the Secret has fields Envoy's API does not know: %s", u)
	}
	if err := s.ValidateAll(); err != nil {
		return "", fmt.Errorf("the Secret fails Envoy's proto validation: %w", err)
	}
	cert := s.GetTlsCertificate()
	if cert == nil {
		return "", errors.New("the Secret has no tls_certificate")
	}
	kp := cert.GetPrivateKeyProvider()
	if kp == nil {
		return "", errors.New("the Secret's tls_certificate has no private_key_provider")
	}
	newConfig, ok := providers[kp.GetProviderName()]
	if !ok {
		return "", fmt.Errorf("provider_name %q is not one of the contrib providers (qat, cryptomb)", kp.GetProviderName())
	}
	any := kp.GetTypedConfig()
	if any == nil {
		return "", fmt.Errorf("provider %s has no typed_config", kp.GetProviderName())
	}
	cfg := newConfig()
	wantURL := "type.googleapis.com/" + string(cfg.ProtoReflect().Descriptor().FullName())
	if any.GetTypeUrl() != wantURL {
		return "", fmt.Errorf("provider %s: typed_config is %s, its factory reads %s", kp.GetProviderName(), any.GetTypeUrl(), wantURL)
	}
	if err := (proto.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(any.GetValue(), cfg); err != nil {
		return "", fmt.Errorf("provider %s: typed_config does not decode as %s: %w", kp.GetProviderName(), wantURL, err)
	}
	if u := unknownFields(cfg.ProtoReflect(), ""); u != "" {
		return "", fmt.Errorf("provider %s: typed_config has fields %s does not know: %s", kp.GetProviderName(), cfg.ProtoReflect().Descriptor().Name(), u)
	}
	if err := cfg.ValidateAll(); err != nil {
		return "", fmt.Errorf("provider %s: typed_config fails Envoy's proto validation: %w", kp.GetProviderName(), err)
	}
	secretKey, err := inlineKey(cert.GetPrivateKey(), "the Secret's private_key")
	if err != nil {
		return "", err
	}
	providerKey, err := inlineKey(cfg.GetPrivateKey(), "the provider's private_key")
	if err != nil {
		return "", err
	}
	if !bytes.Equal(providerKey, secretKey) {
		return "", fmt.Errorf("provider %s: its private_key (%s) is not the Secret's key (%d bytes): the copy of the key did not happen",
			kp.GetProviderName(), describeKey(providerKey), len(secretKey))
	}
	if wantKey != nil && !bytes.Equal(bytes.TrimSpace(secretKey), bytes.TrimSpace(wantKey)) {
		return "", fmt.Errorf("the Secret's private_key (%s) is not tls.key of the Kubernetes Secret", describeKey(secretKey))
	}
	return fmt.Sprintf("%s %s, poll_delay %s, fallback %t, private_key = the Secret's key (%d bytes%s)",
		kp.GetProviderName(), cfg.ProtoReflect().Descriptor().Name(), cfg.GetPollDelay().AsDuration(), kp.GetFallback(),
		len(secretKey), map[bool]string{true: ", = tls.key", false: ""}[wantKey != nil]), nil
}

// inlineKey is the PEM an inline DataSource holds; a file or environment source would make
// Envoy read something else than the Secret.
func inlineKey(ds *corev3.DataSource, what string) ([]byte, error) {
	switch s := ds.GetSpecifier().(type) {
	case *corev3.DataSource_InlineBytes:
		return s.InlineBytes, nil
	case *corev3.DataSource_InlineString:
		return []byte(s.InlineString), nil
	case nil:
		return nil, fmt.Errorf("%s is not set", what)
	default:
		return nil, fmt.Errorf("%s is not inline (%T)", what, s)
	}
}

// describeKey names a key without printing key material: a PEM by its block type, anything
// else (a placeholder) verbatim when short.
func describeKey(k []byte) string {
	if i := bytes.Index(k, []byte("-----BEGIN ")); i >= 0 {
		rest := k[i+len("-----BEGIN "):]
		if j := bytes.Index(rest, []byte("-----")); j >= 0 {
			return fmt.Sprintf("a %s PEM of %d bytes", rest[:j], len(k))
		}
	}
	if len(k) <= 32 {
		return fmt.Sprintf("%q", k)
	}
	return fmt.Sprintf("%d bytes that are no PEM", len(k))
}

// unknownFields lists, by path, the fields of m and of every message below it that the decoder
// kept as unknown (proto.Unmarshal keeps them; Envoy's typed config would not know them).
func unknownFields(m protoreflect.Message, path string) string {
	var found []string
	if len(m.GetUnknown()) > 0 {
		found = append(found, fmt.Sprintf("%s (%d bytes)", orRoot(path), len(m.GetUnknown())))
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil {
			return true
		}
		p := strings.TrimPrefix(path+"."+string(fd.Name()), ".")
		switch {
		case fd.IsList():
			for i := 0; i < v.List().Len(); i++ {
				if u := unknownFields(v.List().Get(i).Message(), fmt.Sprintf("%s[%d]", p, i)); u != "" {
					found = append(found, u)
				}
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				if fd.MapValue().Message() != nil {
					if u := unknownFields(mv.Message(), fmt.Sprintf("%s[%v]", p, k)); u != "" {
						found = append(found, u)
					}
				}
				return true
			})
		default:
			if u := unknownFields(v.Message(), p); u != "" {
				found = append(found, u)
			}
		}
		return true
	})
	return strings.Join(found, ", ")
}

func orRoot(p string) string {
	if p == "" {
		return "the message itself"
	}
	return p
}
