/**
 * Reads the provisioning folder: every *.yaml / *.yml file, in name order. Returns either the
 * merged services and rules, or every problem found, each naming its file and path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ruleSchema, serviceSchema, type RuleConfig, type ServiceConfig } from '../../core/config';
import { templateError } from '../../core/render';
import { serviceProblems, validate, type Problem } from '../../core/validation';
import { expandTree } from './expand';

const deletionSchema = z.array(z.object({ uid: z.string().min(1) })).default([]);

const fileSchema = z.object({
  apiVersion: z.literal(1),
  services: z.array(z.unknown()).default([]),
  rules: z.array(z.unknown()).default([]),
  deleteServices: deletionSchema,
  deleteRules: deletionSchema,
});

export interface Provisioned {
  services: ServiceConfig[];
  rules: RuleConfig[];
  deleteServices: string[];
  deleteRules: string[];
  files: string[];
  /** Where each rule is defined, e.g. "relay.yaml: rules[0]", for problems found when applying. */
  ruleOrigins: Map<string, string>;
}

export class ProvisioningError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`provisioning has ${problems.length} problem(s):\n${problems.map((problem) => `  ${problem.path}: ${problem.message}`).join('\n')}`);
  }
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new ProvisioningError([{ path: dir, message: 'cannot read the provisioning folder' }]);
  }
  return names
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

export function loadProvisioning(dir: string, apiBase: string, env: NodeJS.ProcessEnv = process.env): Provisioned {
  const problems: Problem[] = [];
  const result: Provisioned = { services: [], rules: [], deleteServices: [], deleteRules: [], files: [], ruleOrigins: new Map() };
  const seen = { service: new Map<string, string>(), rule: new Map<string, string>() };

  for (const file of listFiles(dir)) {
    const name = path.basename(file);
    result.files.push(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      problems.push({ path: name, message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
      continue;
    }
    const document = parseDocument(text);
    if (document.errors.length > 0) {
      // Only the first line: the rest quotes the file, which may hold a robot key or a secret.
      problems.push(...document.errors.map((error) => ({ path: name, message: error.message.split('\n')[0].replace(/:$/, '') })));
      continue;
    }
    const inFile = (problem: Problem): Problem => ({ ...problem, path: problem.path ? `${name}: ${problem.path}` : name });
    const expandProblems: Problem[] = [];
    const expanded = expandTree(document.toJS() ?? { apiVersion: 1 }, env, '', expandProblems);
    problems.push(...expandProblems.map(inFile));
    // A value that did not expand fails validation too; its expansion problem says it better.
    const unexpanded = new Set(expandProblems.map((problem) => problem.path));
    const report = (found: Problem[]) => problems.push(...found.filter((problem) => !unexpanded.has(problem.path)).map(inFile));
    const parsed = validate(fileSchema, expanded);
    if (!parsed.ok) {
      report(parsed.problems);
      continue;
    }
    const content = parsed.value;
    content.services.forEach((item, index) => {
      const prefix = `services[${index}]`;
      const service = validate(serviceSchema, item, 'en', prefix);
      if (!service.ok) {
        report(service.problems);
        return;
      }
      report(serviceProblems(service.value, apiBase, 'en', prefix));
      const previous = seen.service.get(service.value.uid);
      if (previous) {
        problems.push(inFile({ path: `${prefix}.uid`, message: `service "${service.value.uid}" is already defined in ${previous}` }));
      }
      seen.service.set(service.value.uid, name);
      result.services.push(service.value);
    });
    content.rules.forEach((item, index) => {
      const prefix = `rules[${index}]`;
      const rule = validate(ruleSchema, item, 'en', prefix);
      if (!rule.ok) {
        report(rule.problems);
        return;
      }
      const previous = seen.rule.get(rule.value.uid);
      if (previous) {
        problems.push(inFile({ path: `${prefix}.uid`, message: `rule "${rule.value.uid}" is already defined in ${previous}` }));
      }
      const template = rule.value.template && templateError(rule.value.template);
      if (template) {
        problems.push(inFile({ path: `${prefix}.template`, message: template }));
      }
      seen.rule.set(rule.value.uid, name);
      result.rules.push(rule.value);
      result.ruleOrigins.set(rule.value.uid, `${name}: ${prefix}`);
    });
    result.deleteServices.push(...content.deleteServices.map((item) => item.uid));
    result.deleteRules.push(...content.deleteRules.map((item) => item.uid));
  }
  if (problems.length > 0) {
    throw new ProvisioningError(problems);
  }
  return result;
}
