/** The single table, from shared/data/table.ts. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { caseTable } from '../../../shared/data/table';
import { Naming } from '../naming';

export class Data extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
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
      globalSecondaryIndexes: caseTable.indexes.map((i) => ({
        indexName: i.name, partitionKey: key(i.partitionKey), sortKey: key(i.sortKey),
        ...(i.projection === 'ALL' ? { projectionType: dynamodb.ProjectionType.ALL } : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...i.projection] }),
      })),
    });
  }
}
