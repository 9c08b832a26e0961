import { App } from 'cdk8s';
import { defineEdge } from './edge';

const app = new App({ outdir: process.env.ATLS_EXAMPLE_OUTDIR ?? 'dist/manifests' });
defineEdge(app);
app.synth();
