import { describe, expect, it } from 'vitest';
import { checkRuleForm, describeCondition, emptyRuleForm } from './alertRules';

describe('checkRuleForm', () => {
  it('lists every problem', () => {
    const { errors, body } = checkRuleForm({ ...emptyRuleForm(), for: '1.5', cooldown: '-1' });
    expect(body).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(['cooldown', 'for', 'name', 'threshold']);
  });
  it('builds the body with nulls for the empty scope', () => {
    const { errors, body } = checkRuleForm({ ...emptyRuleForm(), name: ' High ', threshold: '0.5', for: '60' });
    expect(errors).toEqual({});
    expect(body).toMatchObject({ name: 'High', threshold: 0.5, for: 60, cooldown: 300, applicationId: null, environment: null, webhookId: null });
  });
  it('refuses a for longer than a day', () => {
    expect(checkRuleForm({ ...emptyRuleForm(), name: 'x', threshold: '1', for: '86401' }).errors.for).toBeDefined();
  });
});

describe('describeCondition', () => {
  it('uses symbols and the hold time', () => {
    expect(describeCondition({ metric: 'cdcLag', comparison: 'gte', threshold: 30000, for: 60 })).toBe('cdcLag ≥ 30000 for 60 s');
    expect(describeCondition({ metric: 'dlqGrowth', comparison: 'gt', threshold: 0, for: 0 })).toBe('dlqGrowth > 0');
  });
});
