#!/usr/bin/env node
import '../dist/commands/bin.js';
