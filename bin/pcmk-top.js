#!/usr/bin/env node
import '../dist/commands/top-bin.js';
