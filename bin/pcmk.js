#!/usr/bin/env node
import '../dist/pcmk.mjs';
