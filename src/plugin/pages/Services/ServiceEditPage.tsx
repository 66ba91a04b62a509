import React from 'react';
import { PluginPage } from '@grafana/runtime';

export default function ServiceEditPage() {
  return <PluginPage>{null}</PluginPage>;
}
