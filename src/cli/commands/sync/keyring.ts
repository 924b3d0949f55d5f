// The master keys this machine can open copies of its vault with, for sync and the merge
// driver: the vault's own key, the keys of its earlier generations (kept in its payload), and a
// key learnt during this sync from the password of a copy under newer keys (another machine ran
// `otp passwd`). A copy that none of them opens needs that password (remote-key.ts).
import { generationOf, type Envelope } from "../../../core/vault/format.js";
import type { KeyedCopy } from "../../../core/vault/merge.js";
import type { VaultData } from "../../../core/vault/model.js";
import { priorKeyBytes } from "../../../core/vault/prior-keys.js";
import { openData } from "../../../core/vault/vault.js";
import { VaultDamagedError } from "../../../core/errors.js";

export class Keyring {
  private readonly keys: { generation: number; key: Uint8Array }[] = [];

  constructor(vault: { envelope: Envelope; masterKey: Uint8Array; data: VaultData }) {
    this.add(generationOf(vault.envelope), vault.masterKey);
    for (const k of priorKeyBytes(vault.data)) this.add(k.generation, k.key);
  }

  add(generation: number, key: Uint8Array): void {
    if (!this.keys.some((k) => Buffer.from(k.key).equals(Buffer.from(key)))) this.keys.push({ generation, key });
  }

  /** The copy opened with a key it takes (those of its generation first), or null when none does. Throws VaultDamagedError for damaged content. */
  open(envelope: Envelope): KeyedCopy | null {
    const g = generationOf(envelope);
    const order = [...this.keys.filter((k) => k.generation === g), ...this.keys.filter((k) => k.generation !== g)];
    for (const { key } of order) {
      try {
        return { envelope, key, data: openData(envelope, key) };
      } catch (err) {
        if (!(err instanceof VaultDamagedError) || err.kind !== "corrupted") throw err;
      }
    }
    return null;
  }
}
