import { cdk8s, javascript } from 'projen';

/**
 * cdk8s-ai-failover: cdk8s constructs for a multi-region LLM API failover
 * proxy, and the proxy process itself (runtime/).
 *
 * projen owns the generated files (package.json, tsconfig*.json, .gitignore,
 * .npmignore, .projen/*). Change this file, then run `npx projen`.
 */
const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-ai-failover',
  description: 'cdk8s constructs and proxy runtime for multi-region LLM API failover (OpenAI-compatible)',
  author: 'cdk8s-ai-failover maintainers',
  authorAddress: 'maintainers@users.noreply.b-seed-2afde861.example',
  repositoryUrl: 'https://github.com/maintainers/cdk8s-ai-failover.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.19.0',
  workflowNodeVersion: '24.x',
  typescriptVersion: '~5.9.0',
  jsiiVersion: '~5.9.0',

  cdk8sVersion: '2.70.0',
  constructsVersion: '10.4.2',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // zod validates the rendered config.yaml at synth time; yaml renders it.
  // Both are bundled into the package and never appear in the public API.
  bundledDeps: ['zod@^4.1.0', 'yaml@^2.8.0'],
  devDeps: [
    '@types/node@^20.19.0',
    'cdk8s-plus-28@^2.5.6',
    'vitest@^4.1.0',
    'vite@^7.3.0',
    'undici@^7.16.0',
    'pino@^10.1.0',
    'prom-client@^15.1.3',
    'esbuild@^0.27.0',
    'fast-check@^4.3.0',
    'openai@^6.9.0',
    'kubernetes-models@^4.5.0',
    // typed validators of the CRD-backed objects (Prometheus Operator, KEDA), same family as kubernetes-models 4
    '@kubernetes-models/prometheus-operator@^4.4.4',
    '@kubernetes-models/keda@^0.4.2',
    'tsx@^4.20.0',
    // shared state across replicas (bundled into the runtime like undici)
    'ioredis@^5.9.2',
    // real client SDKs the tests drive the proxy with
    '@anthropic-ai/sdk@^1.15.0',
    'ai@^6.0.0',
    '@ai-sdk/openai@^3.0.0',
  ],
  keywords: ['cdk8s', 'kubernetes', 'llm', 'openai', 'failover', 'circuit-breaker', 'multi-region'],

  jest: false,
  eslint: true,
  eslintOptions: {
    dirs: ['src'],
    // the runtime is bundled by esbuild, so its libraries are devDependencies
    devdirs: ['test', 'runtime', 'example', 'bench', 'demo', 'scripts'],
    // one program that includes src/, runtime/, test/ and the scripts
    tsconfigPath: './test/tsconfig.json',
    projectService: false,
  },
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  docgen: true,
  tsconfigDev: {
    compilerOptions: {
      // the runtime, tests, benchmarks and scripts are ESM-free CommonJS TS,
      // run by tsx / vitest and bundled by esbuild; this file only type-checks them
      noEmit: true,
    },
    include: ['../.projenrc.ts', '../src/**/*.ts', '../runtime/**/*.ts', '../example/**/*.ts', '../bench/**/*.ts', '../demo/**/*.ts', '../scripts/**/*.ts'],
  },
  gitignore: ['/bench/results/tmp/', '*.tsbuildinfo', '/test-reports/', '/coverage/'],

  // jsii targets: Construct Hub shows these languages; `npm run package:check`
  // generates their code (jsii-pacmak --code-only) and test/package/ checks it
  publishToPypi: {
    distName: 'cdk8s-ai-failover',
    module: 'cdk8s_ai_failover',
  },
  publishToMaven: {
    javaPackage: 'io.github.maintainers.cdk8s.aifailover',
    mavenGroupId: 'io.github.maintainers',
    mavenArtifactId: 'cdk8s-ai-failover',
  },
  publishToGo: {
    moduleName: 'github.com/maintainers/cdk8s-ai-failover-go',
  },
});

// ---------------------------------------------------------------------------
// bins: the proxy process and the fault-injecting mock upstream, one bundled
// file each under lib/runtime/ (built by `compile`)
// ---------------------------------------------------------------------------
const notShipped = [
  // sources and tools of this repository
  '/runtime/', '/example/', '/bench/', '/demo/', '/scripts/', '/.ci/', '/vitest*.config.*', 'BENCHMARKS.md',
  // local output of tests, coverage, benchmarks and builds
  '/test-reports/', '/coverage/', '*.tsbuildinfo', '/bench/results/', '*.tgz',
];
for (const ignored of notShipped) {
  project.addPackageIgnore(ignored);
}
// and what ships is listed, so a stray file at the top (a scratch config, a tarball) never does;
// package.json, README.md, LICENSE and the bundled dependencies always ship
project.package.addField('files', ['lib/', '.jsii', 'API.md']);
project.package.addBin({
  'ai-failover-proxy': 'lib/runtime/ai-failover-proxy.js',
  'ai-failover-mock': 'lib/runtime/ai-failover-mock.js',
});

const bundleRuntime = project.addTask('bundle:runtime', {
  description: 'Bundle runtime/ into lib/runtime/ai-failover-proxy.js and ai-failover-mock.js (esbuild)',
  exec: 'node scripts/bundle-runtime.mjs',
});
project.compileTask.spawn(bundleRuntime);

// `npm pack` from a fresh clone compiles first (lib/ is not in git), so the
// tarball always has the jsii output, the .jsii assembly and both bins
project.package.setScript('prepack', 'projen compile');
// `npm install github:…` runs `prepare` in its clone (with the devDependencies): build lib/ when missing
project.package.setScript('prepare', 'node scripts/prepare.mjs');

// `npm run package`: the npm tarball in dist/js/ (every language: `npm run package-all`,
// which needs the Python, Java and Go toolchains)
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// the jsii targets' generated code, without their toolchains (what CI can prove here)
project.addTask('package:check', {
  description: 'Generate the Python, Java and Go bindings (jsii-pacmak --code-only) into dist/code-only/ and check the README\'s Python example against them',
  env: { JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
  steps: [
    { spawn: project.compileTask.name },
    { exec: 'jsii-pacmak --code-only --target python --target java --target go --outdir dist/code-only' },
    { exec: 'python3 scripts/check-python-example.py README.md dist/code-only/python/src/cdk8s_ai_failover/__init__.py' },
  ],
});

// ---------------------------------------------------------------------------
// tests: vitest, never projen's jest; a changed snapshot fails the run
// ---------------------------------------------------------------------------
// generated CRD bindings (cdk8s import) are not ours to lint
project.eslint?.addIgnorePattern('src/imports/');

const lint = project.addTask('lint', {
  description: 'eslint without --fix (what the test task runs)',
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
  exec: 'eslint --ext .ts --no-error-on-unmatched-pattern --max-warnings 0 src test runtime example bench demo scripts .projenrc.ts',
});
const typecheck = project.addTask('typecheck', {
  description: 'Type-check src/, runtime/, test/ and the scripts without emitting',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});

project.testTask.reset();
// as in CI: a missing snapshot fails instead of being written (`npm run test:update` writes them)
project.testTask.env('CI', 'true');
project.testTask.exec('vitest run --exclude "test/package/**"');
project.testTask.spawn(typecheck);
project.testTask.spawn(lint);
// the package as a user gets it: a fresh copy packed, installed into a new cdk8s
// app, snapshot-tested there, its bins run for one failover, the jsii targets
// generated (1-3 min, so a step of its own; its report is test-reports/vitest-package.json)
const testPackage = project.addTask('test:package', {
  description: 'Pack a fresh copy, install it into a new cdk8s app, synth, snapshot-test, run both bins',
  env: { CI: 'true' },
  exec: 'vitest run test/package --outputFile.json=test-reports/vitest-package.json',
});
project.testTask.spawn(testPackage);
project.addTask('test:update', {
  description: 'Run the tests and rewrite snapshots that changed',
  exec: 'vitest run -u',
});
// ---------------------------------------------------------------------------
// the main job: synthesize the default multi-region example to dist/
// ---------------------------------------------------------------------------
project.addTask('synth', {
  description: 'Synthesize the example multi-region deployment to dist/<region>.k8s.yaml',
  steps: [
    { spawn: bundleRuntime.name },
    { exec: 'tsx example/main.ts' },
  ],
});

project.addTask('docs:config', {
  description: 'Regenerate the config.yaml reference in README.md from the zod schema',
  exec: 'tsx scripts/config-reference.ts --write',
});

project.addTask('proxy', {
  description: 'Run the failover proxy locally (configured by env and CONFIG_PATH)',
  steps: [
    { spawn: bundleRuntime.name },
    // `npm run proxy -- --help`
    { exec: 'node lib/runtime/ai-failover-proxy.js', receiveArgs: true },
  ],
});
project.addTask('mock', {
  description: 'Run fault-injecting mock upstreams locally (`npm run mock -- 9001 9002`, `-- --help`)',
  steps: [
    { spawn: bundleRuntime.name },
    { exec: 'node lib/runtime/ai-failover-mock.js', receiveArgs: true },
  ],
});
project.addTask('bench', {
  description: 'Run the benchmarks on 127.0.0.1 and write bench/results/*.json',
  steps: [
    { spawn: bundleRuntime.name },
    { exec: 'tsx bench/run.ts' },
  ],
});
project.addTask('demo', {
  description: 'Live failover demo: three mock regions, the proxy, a region outage and recovery',
  steps: [
    { spawn: bundleRuntime.name },
    // `npm run demo -- --fast`, `-- --seconds=12`, `-- --help`
    { exec: 'tsx demo/main.ts', receiveArgs: true },
  ],
});

project.synth();
