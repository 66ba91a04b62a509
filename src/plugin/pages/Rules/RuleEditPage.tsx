import React from 'react';
import { PluginPage } from '@grafana/runtime';

export default function RuleEditPage() {
  return <PluginPage>{null}</PluginPage>;
}
