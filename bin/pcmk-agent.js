#!/usr/bin/env node
import '../dist/bin/pcmk-agent.js';
