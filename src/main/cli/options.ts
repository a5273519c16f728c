// Option values every command checks alike, so a malformed one is refused as a usage error before anything is done.
import { InvalidArgumentError } from 'commander';

/** An http(s) URL, without trailing slashes. */
export function parseHttpUrl(v: string): string {
  if (!URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol)) throw new InvalidArgumentError('must be an http(s) URL');
  return v.replace(/\/+$/, '');
}
