/** destinationrule.CaCertificateAnalyzer (IST0128, IST0129) and destinationrule.SubsetSelectPodAnalyzer (IST0173, IST0174). */
import { describe, expect, it } from 'vitest';
import { docLine, lineOf, only } from '../helpers.js';

describe('destinationrule.CaCertificateAnalyzer', () => {
  it('SIMPLE/MUTUAL without caCertificates, unless a credentialName is scoped by a workloadSelector; insecureSkipVerify does not exempt; subsets are not read', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: vault-tls, namespace: secure}
spec:
  host: vault.secure.svc.cluster.local
  trafficPolicy:
    tls: {mode: SIMPLE, credentialName: vault-ca, insecureSkipVerify: true}
    portLevelSettings:
    - port: {number: 8200}
      tls: {mode: MUTUAL, credentialName: client}
    - port: {number: 8201}
      tls: {mode: SIMPLE, caCertificates: /etc/ca.pem}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy: {tls: {mode: SIMPLE}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: scoped, namespace: secure}
spec:
  host: vault
  workloadSelector: {matchLabels: {app: client}}
  trafficPolicy: {tls: {mode: SIMPLE, credentialName: vault-ca}}
`;
    expect(await only('destinationrule.CaCertificateAnalyzer', yaml)).toEqual([
      'Warning [IST0128] (DestinationRule secure/vault-tls :1) DestinationRule secure/vault-tls in namespace secure has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for host: vault.secure.svc.cluster.local',
      'Warning [IST0129] (DestinationRule secure/vault-tls :1) DestinationRule secure/vault-tls in namespace secure has TLS mode set to MUTUAL but no caCertificates are set to validate server identity for host: vault.secure.svc.cluster.local at port 8200',
    ]);
  });
});

describe('destinationrule.SubsetSelectPodAnalyzer', () => {
  it("hosts resolve as Istio resolves them; subsets match Pods anywhere, with their Node's locality labels; the Service selector is not added", async () => {
    const yaml = `apiVersion: v1
kind: Node
metadata: {name: node-7, labels: {topology.kubernetes.io/region: ap-south-2, topology.kubernetes.io/zone: ""}}
---
apiVersion: v1
kind: Pod
metadata: {name: ledger-0, namespace: finance, labels: {app: ledger, track: stable}}
spec: {nodeName: node-7, containers: [{name: c, image: c}]}
---
apiVersion: v1
kind: Service
metadata: {name: ledger, namespace: finance}
spec: {selector: {app: ledger}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ledger, namespace: finance}
spec:
  host: ledger
  subsets:
  - {name: south, labels: {topology.kubernetes.io/region: ap-south-2}}
  - {name: host7, labels: {kubernetes.io/hostname: node-7}}
  - {name: zoned, labels: {topology.kubernetes.io/zone: ""}}
  - {name: stable, labels: {track: stable}}
  - {name: beta, labels: {track: beta}}
  - {name: all}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: typo, namespace: finance}
spec:
  host: ledgr
  subsets: [{name: x, labels: {a: b}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: shorthand, namespace: finance}
spec:
  host: ledger.finance
`;
    expect(await only('destinationrule.SubsetSelectPodAnalyzer', yaml)).toEqual([
      `Error [IST0173] (DestinationRule finance/ledger :${lineOf(yaml, 'name: zoned')}) The Subset zoned defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).`,
      `Error [IST0173] (DestinationRule finance/ledger :${lineOf(yaml, 'name: beta')}) The Subset beta defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).`,
      `Warning [IST0174] (DestinationRule finance/shorthand :${lineOf(yaml, 'host: ledger.finance')}) The host ledger.finance defined in the DestinationRule does not match any services in the mesh.`,
      `Warning [IST0174] (DestinationRule finance/typo :${lineOf(yaml, 'host: ledgr')}) The host ledgr defined in the DestinationRule does not match any services in the mesh.`,
    ]);
  });

  it('a ServiceEntry adds its workload selector; with no Pods at all every labelled subset selects nothing', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vms, namespace: legacy}
spec:
  hosts: [billing.legacy.test]
  ports: [{number: 80, name: http, protocol: HTTP}]
  workloadSelector: {labels: {app: billing-vm}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: vms, namespace: legacy}
spec:
  host: billing.legacy.test
  subsets: [{name: v2, labels: {version: v2}}]
`;
    expect(await only('destinationrule.SubsetSelectPodAnalyzer', yaml)).toEqual([`Error [IST0173] (DestinationRule legacy/vms :${lineOf(yaml, 'name: v2')}) The Subset v2 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).`]);
  });

  it('our offline improvement: a Deployment template stands in for Pods that are not in the input', async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger-v2, namespace: finance}
spec:
  selector: {matchLabels: {app: ledger, version: v2}}
  template:
    metadata: {labels: {app: ledger, version: v2}}
    spec: {containers: [{name: c, image: c}]}
---
apiVersion: v1
kind: Service
metadata: {name: ledger, namespace: finance}
spec: {selector: {app: ledger}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ledger, namespace: finance}
spec:
  host: ledger
  subsets: [{name: v2, labels: {version: v2}}, {name: v3, labels: {version: v3}}]
`;
    expect(await only('destinationrule.SubsetSelectPodAnalyzer', yaml)).toEqual([`Error [IST0173] (DestinationRule finance/ledger :${lineOf(yaml, 'name: v3')}) The Subset v3 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).`]);
    void docLine;
  });
});
