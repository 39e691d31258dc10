#!/usr/bin/env node
import '../dist/bin/pcmk.js';
