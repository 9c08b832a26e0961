// The cluster check's judgement of a HandshakeCheck run (conformance/cluster/handshake-check-run.js)
// on output shaped as the script prints it: software listeners must pass, QAT and CryptoMB ones
// (the standard build) must fail with Envoy's message, and the exit status must follow.
/* eslint-disable @typescript-eslint/no-require-imports */
const H = require('../conformance/cluster/handshake-check-run');
/* eslint-enable @typescript-eslint/no-require-imports */

const listener = { name: 'tls-443', port: 443, sni: 'www.example.com', secret: 'default/example-cert' };
const config = {
  gateways: [
    { name: 'eg-software', provider: 'software', listeners: [listener] },
    { name: 'eg-qat', provider: 'qat', listeners: [listener] },
    { name: 'eg-cryptomb', provider: 'cryptomb', listeners: [listener] },
  ],
};
const rejected = (gw: string, kind: string) => `FAIL ${gw}/tls-443 www.example.com:443: Envoy rejected the Secret: Failed to load private key provider: ${kind} `
  + '(Secret default/example-cert; the handshake: connection reset by peer; envoy_sds_update_rejected{envoy_xds_resource_name="default/example-cert"} 1, secrets_not_ready 1)';
const output = [
  'PASS eg-software/tls-443 www.example.com:443: serves the Secret default/example-cert (sha256 3F:24)',
  rejected('eg-qat', 'qat'),
  rejected('eg-cryptomb', 'cryptomb'),
  'HANDSHAKE CHECK: 1 of 3 listeners serve their Secret\'s certificate',
].join('\n');

test('the expected run on the standard build: software passes, QAT and CryptoMB fail with Envoy\'s message, exit 1', () => {
  expect(H.handshakeCheckLines({ exit: 1, output, config })).toEqual({ checked: 3, failures: [] });
});

test('a software-only check must exit 0', () => {
  const software = { gateways: [config.gateways[0]] };
  expect(H.handshakeCheckLines({ exit: 0, output, config: software }).failures).toEqual([]);
  expect(H.handshakeCheckLines({ exit: 1, output, config: software }).failures).toEqual(['the check exited 1, want 0']);
});

test('negative controls: a software failure, a rejection without Envoy\'s message, a missing line, a wrong exit', () => {
  const bad = (o: string, exit = 1) => H.handshakeCheckLines({ exit, output: o, config }).failures;
  expect(bad(output.replace('PASS eg-software', 'FAIL eg-software'))).toEqual([expect.stringMatching(/^eg-software\/tls-443 www\.example\.com:443: FAIL /)]);
  expect(bad(output.replace(rejected('eg-qat', 'qat'), 'FAIL eg-qat/tls-443 www.example.com:443: no handshake: connection reset by peer (stats unreadable)')))
    .toEqual([expect.stringMatching(/^eg-qat\/tls-443 .*want the rejection, got: FAIL .*no handshake/)]);
  expect(bad(output.replace(rejected('eg-cryptomb', 'cryptomb'), rejected('eg-cryptomb', 'qat')))).toHaveLength(1);
  expect(bad(output.split('\n').slice(0, 2).join('\n'))).toEqual(['eg-cryptomb/tls-443 www.example.com:443: no line']);
  expect(bad(output, 0)).toEqual(['the check exited 0, want 1']);
});
