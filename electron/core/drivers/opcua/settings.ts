import { z } from 'zod';
import { urlHostRefinement } from '../common/host.js';

/** Security policies by their short names (the part after `#` in the policy URI). */
export const securityPolicies = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss', 'Basic256', 'Basic128Rsa15'] as const;
export type SecurityPolicyName = (typeof securityPolicies)[number];
/** Policies OPC UA 1.04 deprecated; still offered by older servers, flagged in the UI. */
export const deprecatedPolicies: ReadonlySet<string> = new Set(['Basic256', 'Basic128Rsa15']);
export const securityModes = ['None', 'Sign', 'SignAndEncrypt'] as const;
export type SecurityModeName = (typeof securityModes)[number];

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, _)');

const userTokenSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('anonymous') }).strict(),
    z
      .object({
        kind: z.literal('username'),
        username: z.string().min(1).max(256).describe('User name sent in the ActivateSession request.'),
        passwordEnv: envName
          .default('SENSORVAULT_OPCUA_PASSWORD')
          .describe('Name of the environment variable holding the password. Passwords never go into the project file.'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('x509'),
        certificateFile: z.string().min(1).describe('Path of the user certificate (PEM or DER).'),
        privateKeyFile: z.string().min(1).describe('Path of its private key (PEM, unencrypted).'),
      })
      .strict(),
  ])
  .default({ kind: 'anonymous' })
  .describe('How the session authenticates: anonymous, user name + password (from an environment variable), or an X.509 user certificate.');

/** Settings of one OPC UA server connection. The UI builds its form from this schema. */
export const opcuaSettingsSchema = z
  .object({
    endpointUrl: z
      .string()
      .regex(/^opc\.tcp:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i, 'must be opc.tcp://host:port[/path]')
      .superRefine(urlHostRefinement('endpointUrl'))
      .max(2048)
      .describe('Endpoint URL of the server, e.g. opc.tcp://10.0.0.5:4840 (the URL is used as given, not the one the server advertises).'),
    securityMode: z.enum(securityModes).default('None').describe('Message security: None, Sign, or SignAndEncrypt (the server must offer it).'),
    securityPolicy: z
      .enum(securityPolicies)
      .default('None')
      .describe('Security policy of the secure channel; Basic256 and Basic128Rsa15 are deprecated and only for old servers.'),
    userToken: userTokenSchema,
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(5000)
      .describe('How long to wait for a connection and for each service call before it counts as "no response" (ms).'),
    acquisition: z
      .enum(['subscription', 'read'])
      .default('subscription')
      .describe('subscription: poll groups become subscriptions (publishing interval = group interval); read: periodic Read for every tag.'),
    browseMaxReferencesPerNode: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1000)
      .describe('References asked for per Browse call; the server hands out continuation points for the rest.'),
    writes: z
      .enum(['disabled', 'enabled'])
      .default('disabled')
      .describe('Whether SensorVault may write values to this server. Read-only unless an engineer enables it.'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.securityMode === 'None') !== (s.securityPolicy === 'None')) {
      ctx.addIssue({ code: 'custom', path: ['securityPolicy'], message: 'securityMode None goes with securityPolicy None, and Sign/SignAndEncrypt need a real policy (e.g. Basic256Sha256)' });
    }
  });

export type OpcuaSettings = z.output<typeof opcuaSettingsSchema>;
export type OpcuaSettingsInput = z.input<typeof opcuaSettingsSchema>;
export type OpcuaUserToken = OpcuaSettings['userToken'];
