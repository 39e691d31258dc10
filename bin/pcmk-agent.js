#!/usr/bin/env node
import '../dist/agent/bin.js';
