#!/usr/bin/env node
import '../dist/pcmk-top.mjs';
