import React from 'react';
import { PluginPage } from '@grafana/runtime';

export default function RulesPage() {
  return <PluginPage>{null}</PluginPage>;
}
