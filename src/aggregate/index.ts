export * from './merge-view.js';
export * from './aggregator.js';
