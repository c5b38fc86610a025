/** The single table, from shared/data/table.ts. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { caseTable } from '../../../shared/data/table';
import { Naming } from '../naming';

export class Data extends Construct {
  readonly table: dynamodb.TableV2;

  /** `keepGsi1`: the retiring gsi1 stays on the table (see `keepGsi1` in infra/aws/settings.ts). */
  constructor(scope: Construct, id: string, props: { keepGsi1: boolean }) {
    super(scope, id);
    const indexes = [...caseTable.indexes, ...caseTable.retiringIndexes.filter((i) => i.name !== 'gsi1' || props.keepGsi1)];
    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.TableV2(this, 'Cases', {
      // The same name as infra/aws/names.ts tableName(stage), which tools outside the stack use to find it.
      tableName: Naming.of(this).name('cases'),
      partitionKey: key(caseTable.partitionKey),
      sortKey: key(caseTable.sortKey),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: caseTable.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: indexes.map((i) => ({
        indexName: i.name, partitionKey: key(i.partitionKey), sortKey: key(i.sortKey),
        ...(i.projection === 'ALL' ? { projectionType: dynamodb.ProjectionType.ALL } : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...i.projection] }),
      })),
    });
  }
}
