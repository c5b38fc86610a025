/**
 * Two stages in one account: every physical name carries its stage, no name is shared, and every
 * taggable resource carries the application, stage, owner and cost-centre tags.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { resourcesOf, synthesise } from './synth';

const alpha = synthesise({ stage: 'alpha', mailFrom: 'pengaduan@muba.go.id', alarmEmails: 'ops@muba.go.id' });
const beta = synthesise({ stage: 'beta', mailFrom: 'pengaduan@staging.muba.go.id', domainName: 'staging.pengaduan.muba.go.id', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'muba.go.id', owner: 'diskominfo', costCentre: 'apbd-2027' });

/** Property names that are physical names in the account (scoped ones, such as a policy's name within its role, left out). */
const NAME_KEYS = ['TableName', 'FunctionName', 'StateMachineName', 'LogGroupName', 'AlarmName', 'TopicName', 'DashboardName', 'QueueName', 'Name', 'RuleName', 'ApiName'];
/** Types whose `Name` is not a physical name (or is the domain itself). */
const UNNAMED_TYPES = new Set(['AWS::Route53::RecordSet']);
/** Types that must carry an explicit stage name (so that CloudFormation never makes one up). */
const NAMED_TYPES = ['AWS::DynamoDB::GlobalTable', 'AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine', 'AWS::Logs::LogGroup', 'AWS::CloudWatch::Alarm', 'AWS::SNS::Topic', 'AWS::CloudWatch::Dashboard', 'AWS::SQS::Queue', 'AWS::Scheduler::Schedule', 'AWS::Events::Rule', 'AWS::SecretsManager::Secret', 'AWS::SSM::Parameter', 'AWS::WAFv2::WebACL', 'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Authorizer', 'AWS::SES::ConfigurationSet'];

function physicalNames(template: Template): { type: string; id: string; name: string }[] {
  const out: { type: string; id: string; name: string }[] = [];
  for (const [id, r] of Object.entries(resourcesOf(template))) {
    if (UNNAMED_TYPES.has(r.Type)) continue;
    for (const key of NAME_KEYS) {
      const value = r.Properties?.[key];
      if (typeof value === 'string') out.push({ type: r.Type, id, name: value });
    }
  }
  return out;
}

/** Resources the CDK adds for itself (cross-region references' custom resources, the log retention helper): not ours to name. */
const isCdkInternal = (id: string) => /^(Custom|ExportsReader|ExportsWriter|AWS679f53fac002430cb0da5b7982bd2287|LogRetention)/.test(id);

describe.each([['alpha', alpha], ['beta', beta]] as const)('stage %s', (stage, synth) => {
  const templates = [synth.template, synth.edgeTemplate];

  test('every physical name carries the stage', () => {
    for (const { type, id, name } of templates.flatMap(physicalNames)) {
      expect({ type, id, name, staged: name.includes(`tanggap-${stage}`) || name.includes(`/tanggap/${stage}/`) }).toEqual({ type, id, name, staged: true });
    }
  });

  test('every resource of a named type has an explicit name', () => {
    for (const template of templates) {
      for (const [id, r] of Object.entries(resourcesOf(template))) {
        if (!NAMED_TYPES.includes(r.Type) || isCdkInternal(id)) continue;
        const named = NAME_KEYS.some((k) => typeof r.Properties?.[k] === 'string');
        expect({ id, type: r.Type, named }).toEqual({ id, type: r.Type, named: true });
      }
    }
  });

  test('the stacks are named after the stage', () => {
    expect(synth.main.stackName).toBe(`Tanggap-${stage}`);
    expect(synth.edge.stackName).toBe(`TanggapEdge-${stage}`);
  });

  test('every taggable resource carries the application, stage, owner and cost-centre tags', () => {
    const owner = stage === 'beta' ? 'diskominfo' : 'regency-it';
    const costCentre = stage === 'beta' ? 'apbd-2027' : 'tanggap';
    const want = { application: 'tanggap', stage, owner, 'cost-centre': costCentre };
    let tagged = 0;
    for (const template of templates) {
      for (const [id, r] of Object.entries(resourcesOf(template))) {
        // TableV2 keeps its tags per replica.
        const raw = r.Type === 'AWS::DynamoDB::GlobalTable' ? (r.Properties?.Replicas as { Tags?: unknown }[])[0]!.Tags : r.Properties?.Tags;
        if (raw === undefined) continue;
        const tags = Array.isArray(raw) ? Object.fromEntries((raw as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value])) : raw as Record<string, string>;
        expect({ id, tags }).toEqual({ id, tags: expect.objectContaining(want) });
        tagged++;
      }
    }
    expect(tagged).toBeGreaterThan(40);
    // The kinds an operator filters costs by are among them.
    for (const type of ['AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine', 'AWS::SNS::Topic', 'AWS::Logs::LogGroup', 'AWS::CloudFront::Distribution', 'AWS::SecretsManager::Secret', 'AWS::SQS::Queue']) {
      expect(JSON.stringify(synth.template.findResources(type))).toContain(`"Key":"stage","Value":"${stage}"`);
    }
    expect(JSON.stringify(synth.edgeTemplate.findResources('AWS::WAFv2::WebACL'))).toContain(`"Key":"stage","Value":"${stage}"`);
    expect(JSON.stringify(synth.template.findResources('AWS::DynamoDB::GlobalTable'))).toContain(`"Key":"stage","Value":"${stage}"`);
  });
});

test('two stages share no physical name', () => {
  const names = (s: typeof alpha) => new Set([s.template, s.edgeTemplate].flatMap(physicalNames).map((n) => `${n.type} ${n.name}`));
  const a = names(alpha);
  const shared = [...names(beta)].filter((n) => a.has(n));
  expect(shared).toEqual([]);
  expect(a.size).toBeGreaterThan(50);
});
