/**
 * The few values a deployment needs, read once from CDK context (`-c key=value`, cdk.json) over an
 * optional stage file `infra/aws/stages/<stage>.json`, and checked with zod. The CDK app and
 * `npm run deploy` read them through this one function, so a missing value is named in the same
 * plain words before any CloudFormation runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OfficeCalendarConfig } from '../../shared/calendar/config';
import { STAGE_PATTERN } from './names';

/** The region a certificate and a web ACL for CloudFront must live in. */
export const EDGE_REGION = 'us-east-1';
/** Jakarta: the regency's data stays in Indonesia (PP 71/2019 on public electronic systems). */
export const DEFAULT_REGION = 'ap-southeast-3';

const emailList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.email({ error: 'alarmEmails: every address must be an email address, separated by commas' })));

const Settings = z.object({
  stage: z.string({ error: 'stage is required: a short lower-case name such as "prod" or "staging" (-c stage=prod)' })
    .regex(STAGE_PATTERN, { error: 'stage: 1 to 12 lower-case letters, digits or "-", starting with a letter' }),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'region: an AWS region such as ap-southeast-3' }).default(DEFAULT_REGION),
  account: z.string().regex(/^\d{12}$/, { error: 'account: the 12-digit AWS account id' }).optional(),
  domainName: z.string().regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/, { error: 'domainName: a host name such as pengaduan.muba.go.id (no https://, no path)' }).optional(),
  certificateArn: z.string().regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, { error: 'certificateArn: an ACM certificate ARN in us-east-1 (CloudFront only takes certificates from us-east-1)' }).optional(),
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{4,32}$/, { error: 'hostedZoneId: a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ' }).optional(),
  hostedZoneName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, { error: 'hostedZoneName: the zone\'s domain, such as muba.go.id' }).optional(),
  mailFrom: z.email({ error: 'mailFrom: the sender address of every email, such as pengaduan@muba.go.id' }),
  alarmEmails: emailList.default([]),
  owner: z.string().min(1).default('regency-it'),
  costCentre: z.string().min(1).default('tanggap'),
  /** The regency's time zone, for the report schedules (the directory's calendar names the same zone). */
  timeZone: z.enum(OfficeCalendarConfig.shape.timeZone.options).default('Asia/Jakarta'),
  /**
   * Whether the table keeps gsi1 (whole cases by agency and status), which gsi7 replaces. CloudFormation
   * adds or deletes one index per update: a table deployed before gsi7 gets it with gsi1 kept, and drops
   * gsi1 in a later deployment once gsi7 is ACTIVE. Kept unless told: a deployment then never fails on
   * it; a new stage may say false from its first deployment.
   */
  keepGsi1: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'keepGsi1: true or false (whether the table keeps gsi1; see README, "Deploy to AWS")' }).default(true),
}).superRefine((s, ctx) => {
  const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (s.domainName && !s.certificateArn && !s.hostedZoneId) {
    problem(`domainName ${s.domainName} needs a certificate: give certificateArn (an ACM certificate in us-east-1 covering it) or hostedZoneId + hostedZoneName (the stack then creates and validates one)`);
  }
  if (!!s.hostedZoneId !== !!s.hostedZoneName) problem('hostedZoneId and hostedZoneName go together: give both or neither');
  if (s.hostedZoneName && !s.domainName) problem('a hosted zone is only used with a domainName: give domainName too');
  if (s.domainName && s.hostedZoneName && !(s.domainName === s.hostedZoneName || s.domainName.endsWith(`.${s.hostedZoneName}`))) {
    problem(`domainName ${s.domainName} is not inside the hosted zone ${s.hostedZoneName}`);
  }
});
export type DeploymentSettings = z.infer<typeof Settings>;

/** The keys read from context, in the order the guide lists them. */
export const SETTING_KEYS = ['stage', 'region', 'account', 'domainName', 'certificateArn', 'hostedZoneId', 'hostedZoneName', 'mailFrom', 'alarmEmails', 'owner', 'costCentre', 'timeZone', 'keepGsi1'] as const;

export type SettingsResult = { ok: true; settings: DeploymentSettings } | { ok: false; problems: string[] };

/**
 * Reads the settings: `context` (what `-c` gave) over the stage file `infra/aws/stages/<stage>.json`
 * when it exists, over `defaults`. Every problem is returned, in words an IT officer can act on.
 */
export function readSettings(context: (key: string) => unknown, defaults: Partial<Record<(typeof SETTING_KEYS)[number], unknown>> = {}, stagesDir = join(__dirname, 'stages')): SettingsResult {
  const given: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = context(key);
    if (value !== undefined && value !== '') given[key] = value;
  }
  const stage = given.stage ?? defaults.stage;
  let fromFile: Record<string, unknown> = {};
  const file = typeof stage === 'string' && /^[a-z][a-z0-9-]*$/.test(stage) ? join(stagesDir, `${stage}.json`) : undefined;
  if (file && existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      return { ok: false, problems: [`${file} is not valid JSON: ${(err as Error).message}`] };
    }
  }
  const parsed = Settings.safeParse({ ...defaults, ...fromFile, ...given });
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => (i.message.includes(':') || i.path.length === 0 ? i.message : `${i.path.join('.')}: ${i.message}`)) };
}

/** The settings, or an error listing every problem (for the CDK app). */
export function settingsOrThrow(context: (key: string) => unknown, defaults?: Partial<Record<(typeof SETTING_KEYS)[number], unknown>>): DeploymentSettings {
  const result = readSettings(context, defaults);
  if (!result.ok) throw new Error(`Deployment settings are incomplete:\n- ${result.problems.join('\n- ')}`);
  return result.settings;
}
