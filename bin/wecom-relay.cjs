#!/usr/bin/env node
'use strict';
require('../dist-relay/cli.cjs');
