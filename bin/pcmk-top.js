#!/usr/bin/env node
import '../dist/tui/bin.js';
