import { env } from "~/env.server";
import { open, parseKeyRing, seal, type KeyRing } from "./secrets";

let ring: KeyRing | undefined;

function keyRing(): KeyRing {
  ring ??= parseKeyRing(env().ENCRYPTION_KEY);
  return ring;
}

export const sealSecret = (plaintext: string) => seal(plaintext, keyRing());
export const openSecret = (sealed: string) => open(sealed, keyRing());
