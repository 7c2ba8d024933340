import { afterEach, describe, expect, it } from 'vitest';
import { asStringMap, asStruct } from '../../src/gotemplate/index.js';
import { render, type Case } from './helpers.js';

describe('Sprig functions', () => {
  const cases: Case[] = [
    ['{{ default "d" .missing }}|{{ default "d" "" }}|{{ default "d" 0 }}|{{ default "d" false }}|{{ default "d" "v" }}|{{ default "d" }}', {}, 'd|d|d|d|v|d'],
    ['{{ .missing | default "d" }}|{{ default "d" .l }}|{{ default "d" .m }}', { l: [], m: {} }, 'd|d|d'],
    ['{{ empty "" }} {{ empty 0 }} {{ empty .l }} {{ empty .m }} {{ empty "x" }} {{ empty .missing }} {{ empty .n }}', { l: [], m: {}, n: null }, 'true true true true false true true'],
    ['{{ coalesce .a "" .b "c" "d" }}|{{ coalesce .a .b }}', { b: 0 }, 'c|<no value>'],
    ['{{ ternary "y" "n" true }} {{ ternary "y" "n" false }} {{ true | ternary "y" "n" }}', {}, 'y n y'],
    ['{{ toJson .v }}', { v: { b: [1, '<x>&'], a: null, c: 0.5 } }, '{"a":null,"b":[1,"\\u003cx\\u003e\\u0026"],"c":0.5}'],
    ['{{ (fromJson "{\\"a\\":[1,2]}").a }}|{{ fromJson "not json" }}', {}, '[1 2]|<no value>'],
    ['{{ nindent 2 "a\\nb" }}', {}, '\n  a\n  b'],
    ['{{ quote "a" 1 .missing }}|{{ squote "a" 2 }}|{{ quote "say \\"hi\\"" }}', {}, '"a" "1"|\'a\' \'2\'|"say \\"hi\\""'],
    ['{{ hasPrefix "he" "hello" }} {{ hasSuffix "lo" "hello" }} {{ trimPrefix "he" "hello" }} {{ trimSuffix "lo" "hello" }}', {}, 'true true llo hel'],
    ['[{{ trim "  x \\n" }}] {{ lower "AbC" }} {{ toLower "XY" }} {{ upper "abc" }} {{ title "hello world" }}', {}, '[x] abc xy ABC Hello World'],
    ['{{ (split "," "a,b")._1 }} {{ splitList "," "a,b,,c" }} {{ join "," .l }} {{ join "-" "solo" }}', { l: ['a', 1, null, true] }, 'b [a b  c] a,1,true solo'],
    ['{{ replace "a" "b" "banana" }} {{ repeat 3 "ab" }} {{ substr 1 3 "hello" }} {{ trunc 3 "hello" }} {{ trimAll "$" "$$x$" }}', {}, 'bbnbnb ababab el hel x'],
    ['{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }} {{ "x" | b64enc | b64dec }}', {}, 'aGVsbG8= hello x'],
    ['{{ list 1 "a" }} {{ dict "b" "x" "a" 1 }} {{ (dict "k").k | printf "%q" }} {{ dict }}', {}, '[1 a] map[a:1 b:x] "" map[]'],
    ['{{ hasKey .m "a" }} {{ hasKey .m "z" }} {{ keys .m }} {{ values .m }} {{ get .m "a" }}|{{ get .m "z" }}|', { m: { b: 2, a: 1 } }, 'true false [a b] [1 2] 1||'],
    ['{{ pick .m "a" }} {{ pluck "a" .m (dict "a" 9) }} {{ dig "x" "y" "none" .n }} {{ dig "x" "q" "none" .n }}', { m: { b: 2, a: 1 }, n: { x: { y: 'found' } } }, 'map[a:1] [1 9] found none'],
    ['{{ merge (dict "a" 1 "e" "" "n" (dict "x" 1)) (dict "a" 2 "b" 3 "e" "filled" "n" (dict "x" 5 "y" 2)) }}', {}, 'map[a:1 b:3 e:filled n:map[x:1 y:2]]'],
    ['{{ mergeOverwrite (dict "a" 1 "k" "keep" "n" (dict "x" 1)) (dict "a" 2 "k" "" "n" (dict "y" 2)) }}', {}, 'map[a:2 k:keep n:map[x:1 y:2]]'],
    ['{{ $d := dict }}{{ $_ := set $d "k" "v" }}{{ $d.k }} {{ unset $d "k" }}', {}, 'v map[]'],
    ['{{ int "42" }} {{ int 3.9 }} {{ int "x" }} {{ int64 true }} {{ float64 "1.5" }} {{ atoi "12" }} {{ toString 5 | printf "%q" }}', {}, '42 3 0 1 1.5 12 "5"'],
    ['{{ first .l }} {{ last .l }} {{ rest .l }} {{ initial .l }} {{ first .e }}', { l: ['a', 'b', 'c'], e: [] }, 'a c [b c] [a b] <no value>'],
    ['{{ append .l "d" }} {{ prepend .l 0 }} {{ concat .l (list 1) }} {{ reverse .l }} {{ uniq (list 1 1 2) }} {{ compact (list "" 1 0 "x") }} {{ without .l "b" }} {{ has "b" .l }}', { l: ['a', 'b'] }, '[a b d] [0 a b] [a b 1] [b a] [1 2] [1 x] [a] true'],
    ['{{ until 3 }} {{ untilStep 0 10 4 }} {{ sortAlpha (list "b" "a") }}', {}, '[0 1 2] [0 4 8] [a b]'],
    ['{{ add 1 2 3 }} {{ sub 5 2 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 3 }} {{ add .f 1 }} {{ add1 1 }} {{ max 1 5 3 }} {{ min 4 2 }}', { f: 1.9 }, '6 3 24 3 1 2 2 5 2'],
    ['{{ addf 1.5 1 }} {{ mulf 1000 1000 }} {{ divf 1 4 }}', {}, '2.5 1e+06 0.25'],
    ['{{ regexMatch "^[a-z]+$" "abc" }} {{ regexMatch "^\\\\d+$" "12a" }} {{ regexFind "[0-9]+" "ab12cd34" }} {{ regexFindAll "[0-9]+" "a1b22c333" -1 }}', {}, 'true false 12 [1 22 333]'],
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAllLiteral "a(x*)b" "-ab-" "${1}" }} {{ regexSplit "z+" "pizza" -1 }}', {}, '-W-xxW- -${1}- [pi a]'],
    ['{{ typeOf 1 }} {{ typeOf "s" }} {{ kindOf .l }} {{ kindIs "map" .m }} {{ deepEqual .l (list 1) }}', { l: [1], m: {} }, 'int string slice true true'],
    ['{{ cat "a" .missing 1 }} {{ nospace "a b  c" }} {{ plural "one" "many" 2 }}', {}, 'a 1 abc many'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));

  it('fail stops execution with the message', () => {
    expect(() => render('{{ fail "no way" }}')).toThrow('error calling fail: no way');
  });
});

const pod = {
  ObjectMeta: { annotations: asStringMap({ a: 'A', empty: '' }), labels: asStringMap({ app: 'x' }) },
  Spec: {
    containers: [
      { name: 'app', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }, { containerPort: 9000, protocol: 'SCTP' }] },
      { name: 'side', ports: [{ containerPort: 8080, protocol: 'TCP' }] },
      { name: 'istio-proxy', ports: [{ containerPort: 15090 }] },
    ],
  },
  ProxyConfig: { statusPort: 15020 },
};

const otel = {
  Mesh: { ExtensionProviders: [{ name: 'zipkin', zipkin: {} }, { name: 'otel', opentelemetry: { serviceAttributeEnrichment: 'OTEL_SEMANTIC_CONVENTIONS' } }] },
  Off: { ExtensionProviders: [{ name: 'otel', opentelemetry: { port: 4317 } }] },
  A: {},
  Ann: { 'resource.opentelemetry.io/service.namespace': 'team-x', 'resource.opentelemetry.io/service.version': 'v9', 'resource.opentelemetry.io/service.instance.id': 'id-1' },
  L: {},
  Lv: { 'app.kubernetes.io/version': '3.0' },
  C: [{ name: 'web', image: 'registry:5000/team/web:2.1@sha256:0123456789abcdef0123456789abcdef' }],
  Two: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }],
};

describe('Istio helper functions', () => {
  afterEach(() => {
    delete process.env.GT_TEST_VAR;
  });

  const cases: Case[] = [
    ['{{ excludeInboundPort 15020 "4,5,6" }}|{{ excludeInboundPort "15020" "15020" }}|{{ excludeInboundPort 15020 "" }}|{{ excludeInboundPort 0 "1" }}|{{ excludeInboundPort 15020 " 4 , ,5" }}', {}, '4,5,6,15020|15020|15020|1|4,5,15020'],
    ['{{ includeInboundPorts .Spec.Containers }}|{{ applicationPorts .Spec.Containers }}|{{ includeInboundPorts .none }}|', pod, '80,8080,15090|80,8080||'],
    ['{{ annotation .ObjectMeta "a" "d" }}|{{ annotation .ObjectMeta "empty" "d" }}|{{ annotation .ObjectMeta "zz" .ProxyConfig.StatusPort }}|{{ annotation .ObjectMeta "zz" nil }}', pod, 'A||15020|<nil>'],
    ['{{ isset .ObjectMeta.Annotations "a" }} {{ isset .ObjectMeta.Annotations "empty" }} {{ isset .ObjectMeta.Annotations "z" }}', pod, 'true true false'],
    ['{{ valueOrDefault "" "d" }} {{ valueOrDefault .missing "d" }} {{ valueOrDefault 0 "d" }} {{ valueOrDefault "v" "d" }} {{ valueOrDefault false "d" }}', {}, 'd d 0 v false'],
    ['{{ contains "ell" "hello" }} {{ contains "hello" "ell" }}', {}, 'true false'],
    ['{{ indent 2 "a\\nb\\nc" }}', {}, 'a\n  b\n  c'],
    ['{{ toLower "ABC" }} {{ directory "/etc/istio/proxy/envoy.json" }} {{ directory "file" }}|{{ kubevirtInterfaces "eth1,eth2" }} {{ excludeInterfaces "eth3" }}', {}, 'abc /etc/istio/proxy/ |eth1,eth2 eth3'],
    ['{{ formatDuration .a }} {{ formatDuration .b }} {{ formatDuration .c }} {{ formatDuration .d }} {{ formatDuration .e }} {{ formatDuration .f }}', { a: '45s', b: '90s', c: '0.5s', d: '3600s', e: { seconds: 5, nanos: 500000000 }, f: '1m30s' }, '45s 1m30s 500ms 1h0m0s 5.5s 1m30s'],
    ['{{ toJSON .ObjectMeta.Labels }} {{ toJSON .missing }} {{ toJson (dict "z" 1 "a" "<") }}', pod, '{"app":"x"} {} {"a":"\\u003c","z":1}'],
    ['{{ (fromJSON "{\\"a\\":[1,2]}").a }} {{ fromJSON "not json" }}', {}, '[1 2] {}'],
    ['{{ structToJSON .p }} {{ structToJSON .missing }} {{ structToJSON .m }}', { p: asStruct({ name: 'http', containerPort: 80, protocol: 'TCP' }), m: { b: 1, a: 2 } }, '{"name":"http","containerPort":80,"protocol":"TCP"} {} {"a":2,"b":1}'],
    ['{{ appendMultusNetwork "" "istio-cni" }}|{{ appendMultusNetwork "a, b" "istio-cni" }}|{{ appendMultusNetwork "a,istio-cni" "istio-cni" }}', {}, 'istio-cni|a, b, istio-cni|a,istio-cni'],
    ['{{ appendMultusNetwork .j "istio-cni" }}|{{ appendMultusNetwork .k "istio-cni" }}', { j: '[{"name": "a"}]', k: '[{"name": "istio-cni"}]' }, '[{"name": "a"}, {"name": "istio-cni"}]|[{"name": "istio-cni"}]'],
    ['{{ strdict "a" "1" "b" }} {{ toJsonMap (strdict "b" "2") (strdict "a" "1") }} {{ omit .m "a" }}', { m: { a: 1, b: 2 } }, 'map[a:1 b:] {"a":"1","b":"2"} map[b:2]'],
    ['{{ mergeMaps (dict "a" 1 "c" 1) (dict "a" 2 "b" 3) }}', {}, 'map[a:2 b:3 c:1]'],
    ['{{ appendMultusNetwork .j "default/istio-cni" }}|{{ appendMultusNetwork .k "default/istio-cni" }}|{{ appendMultusNetwork "x, default/istio-cni" "default/istio-cni" }}|{{ appendMultusNetwork .bad "default/istio-cni" }}', { j: '[{"name":"istio-cni"}]', k: '[{"name":"istio-cni","namespace":"default"}]', bad: '[oops]' }, '[{"name":"istio-cni"}, {"name": "istio-cni", "namespace": "default"}]|[{"name":"istio-cni","namespace":"default"}]|x, default/istio-cni|[oops]'],
    ['{{ otelResourceAttributes .Mesh .A .L "shop" .C }}|{{ otelResourceAttributes .Off .A .L "shop" .C }}', otel, 'service.namespace=shop,service.version=2.1@sha256:0123456789abcdef0123456789abcdef,service.instance.id=shop.$(POD_NAME).web|'],
    ['{{ otelResourceAttributes .Mesh .Ann .L "" .Two }}', otel, 'service.namespace=team-x,service.version=v9,service.instance.id=id-1'],
    ['{{ otelResourceAttributes .Mesh .A .Lv "shop" .Two }}', otel, 'service.namespace=shop,service.version=3.0,service.instance.id=shop.$(POD_NAME).a'],
    ['{{ otelResourceAttributes .Mesh .A .L "" .Two }}', otel, 'service.namespace=default,service.instance.id=default.$(POD_NAME).a'],
    ['{{ toJson (omitNil .v) }}', { v: { a: null, b: { c: null, d: 1 }, e: [null, 2] } }, '{"b":{"d":1},"e":[2]}'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));

  it('env reads the process environment with a default', () => {
    expect(render('{{ env "GT_TEST_VAR" "dflt" }}')).toBe('dflt');
    process.env.GT_TEST_VAR = 'set';
    expect(render('{{ env "GT_TEST_VAR" "dflt" }}')).toBe('set');
  });

  it('protoToJSON drops ProxyConfig defaults and keeps proto field order', () => {
    const defaults = {
      configPath: './etc/istio/proxy',
      binaryPath: '/usr/local/bin/envoy',
      serviceCluster: 'istio-proxy',
      drainDuration: '45s',
      terminationDrainDuration: '5s',
      discoveryAddress: 'istiod.istio-system.svc:15012',
      proxyAdminPort: 15000,
      controlPlaneAuthPolicy: 'MUTUAL_TLS',
      statNameLength: 189,
      statusPort: 15020,
      proxyMetadata: {},
      interceptionMode: 'REDIRECT',
    };
    expect(render('{{ protoToJSON .pc }}', { pc: defaults })).toBe('{}');
    expect(render('{{ protoToJSON .pc }}', { pc: { ...defaults, drainDuration: '23s' } })).toBe('{"drainDuration":"23s"}');
    expect(render('{{ protoToJSON .pc }}', { pc: { proxyMetadata: { B: '2', A: '1' }, interceptionMode: 'TPROXY', holdApplicationUntilProxyStarts: true } })).toBe(
      '{"interceptionMode":"TPROXY","proxyMetadata":{"A":"1","B":"2"},"holdApplicationUntilProxyStarts":true}',
    );
    expect(render('{{ protoToJSON .missing }}')).toBe('{}');
  });

  it('Istio wins where it redefines a Sprig name', () => {
    // Sprig's indent pads the first line too; Istio's does not.
    expect(render('[{{ indent 2 "x" }}]')).toBe('[x]');
    // Istio's fromJSON returns "{}" on bad input; Sprig's fromJson returns nil.
    expect(render('{{ fromJSON "x" }}|{{ fromJson "x" }}')).toBe('{}|<no value>');
  });
});
