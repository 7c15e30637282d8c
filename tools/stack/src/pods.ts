// Pod cleanup for a clean Ctrl-C: delete every pod through the API (the
// kubelets stop their processes), then kill anything still running from a
// kubelet state dir (e.g. a kubelet that had already died).
import { readdirSync, readFileSync } from 'node:fs';
import { createApiClient } from '@k8ts/client';

export async function deleteAllPods(apiAddress: string, timeoutMs = 20_000): Promise<void> {
  const client = createApiClient({ address: apiAddress, deadlineMs: 5000 });
  try {
    const { items } = await client.pods.list({});
    await Promise.all(items.map((p) => client.pods.delete(p.metadata?.namespace, p.metadata?.name ?? '', { gracePeriodSeconds: 2 }).catch(() => undefined)));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await client.pods.list({})).items.length === 0) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    client.close();
  }
}

export function killStrays(stateDir: string): number {
  let killed = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(stateDir)) continue;
      process.kill(-Number(pid), 'SIGKILL');
      killed++;
    } catch {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  return killed;
}
