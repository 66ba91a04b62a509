import React from 'react';
import { PluginPage } from '@grafana/runtime';

export default function ServicesPage() {
  return <PluginPage>{null}</PluginPage>;
}
