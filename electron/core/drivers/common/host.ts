import { z } from 'zod';

/**
 * One check for every host a driver setting names: an IPv4 address, an IPv6 address, or a
 * host name made of RFC 1123 labels. Typos such as `plc 01;drop` are refused when the project
 * is validated, with the field and the reason, instead of failing later in a DNS lookup.
 */

export type HostAccepts = 'ip-or-name' | 'ipv4';

const ipv4 = z.regexes.ipv4;
const ipv6 = z.regexes.ipv6;
const hostname = z.regexes.hostname;

function isIpv6(text: string): boolean {
  // A zone (fe80::1%eth0) names the interface of a link-local address.
  const [address = '', zone] = text.split('%');
  if (zone !== undefined && !/^[A-Za-z0-9_.-]+$/.test(zone)) return false;
  // IPv4-mapped and -embedded forms end in a dotted quad (::ffff:10.0.0.5).
  const embedded = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (embedded !== null) return ipv4.test(embedded[2] as string) && ipv6.test(`${embedded[1] as string}0:0`);
  return ipv6.test(address);
}

/** Whether `text` is an IPv4 or IPv6 address (IPv6 without brackets). */
export function isIpAddress(text: string): boolean {
  return ipv4.test(text) || isIpv6(text);
}

/** What is wrong with `text` as a host, in words, or undefined when it is fine. */
export function hostProblem(text: string, accepts: HostAccepts = 'ip-or-name'): string | undefined {
  if (text === '') return accepts === 'ipv4' ? 'is empty; give an IPv4 address such as 192.168.1.20' : 'is empty; give an IP address (e.g. 10.0.0.5) or a host name (e.g. plc-01)';
  if (accepts === 'ipv4') return ipv4.test(text) ? undefined : `"${text}" is not an IPv4 address (four numbers 0 to 255 separated by dots, e.g. 192.168.1.20)`;
  if (isIpAddress(text)) return undefined;
  if (text.startsWith('[') && text.endsWith(']') && isIpv6(text.slice(1, -1))) return `"${text}": write the IPv6 address without brackets (${text.slice(1, -1)})`;
  if (/^[\d.]+$/.test(text)) return `"${text}" is not a valid IPv4 address (four numbers 0 to 255 separated by dots, e.g. 10.0.0.5)`;
  if (text.includes(':')) return `"${text}" is not a valid IPv6 address`;
  const bad = [...new Set([...text].filter((c) => !/[A-Za-z0-9.-]/.test(c)))];
  if (bad.length > 0) {
    const named = bad.map((c) => (c === ' ' ? 'a space' : `"${c}"`));
    return `"${text}" is not an IP address or host name: ${named.join(' and ')} ${named.length === 1 ? 'is' : 'are'} not allowed (a host name has letters, digits and "-", in labels separated by ".")`;
  }
  if (!hostname.test(text)) return `"${text}" is not a valid host name (each label between dots is 1 to 63 letters, digits or "-", and does not start or end with "-")`;
  return undefined;
}

/** A zod refinement for a host field; the message names the field. */
export function hostRefinement(field: string, accepts: HostAccepts = 'ip-or-name') {
  return (value: string, ctx: z.RefinementCtx): void => {
    const problem = hostProblem(value, accepts);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${field} ${problem}` });
  };
}

/** The host part of `scheme://host[:port][/path]`, brackets of an IPv6 literal removed. */
export function hostOfUrl(url: string): { host: string; bracketed: boolean } | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1];
  if (authority === undefined) return undefined;
  const bracket = /^\[([^\]]*)\](?::\d*)?$/.exec(authority);
  if (bracket !== null) return { host: bracket[1] as string, bracketed: true };
  return { host: authority.replace(/:\d*$/, ''), bracketed: false };
}

/** A zod refinement for the host inside a URL field (IPv6 must be in brackets there). */
export function urlHostRefinement(field: string) {
  return (value: string, ctx: z.RefinementCtx): void => {
    const parts = hostOfUrl(value);
    if (parts === undefined) return; // the field's own pattern reports the shape
    const problem = parts.bracketed
      ? isIpv6(parts.host)
        ? undefined
        : `the host "[${parts.host}]" is not a valid IPv6 address`
      : isIpv6(parts.host)
        ? `an IPv6 host goes in brackets ([${parts.host}])`
        : withSubject(hostProblem(parts.host));
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${problem} (in ${field})` });
  };
}

function withSubject(problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `the host ${problem}`;
}
