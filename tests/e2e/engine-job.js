// Prints, as JSON, the worker Job that the HyperFlow engine 1.7.0 sends to the API server for
// one task: the job template (path in argv[2]) filled by the engine's own createK8sJobYaml,
// then serialised by its client library as createNamespacedJob does. hfgen's hardening tests
// check this, not the template, because the client drops the fields its model lacks.
// The engine's env (HF_VAR_WORKER_CONTAINER, HF_VAR_CPU_REQUEST, HF_VAR_MEM_REQUEST) is the
// caller's, taken from the rendered engine pod.
'use strict';
const fs = require('fs');
const k8s = require('@kubernetes/client-node');
const { createK8sJobYaml } = require('@hyperflow/hyperflow/functions/kubernetes/k8sJobSubmit.js');

const template = fs.readFileSync(process.argv[2], 'utf8');
const task = { name: 'mProject', executable: 'mProject', args: [], ins: [], outs: [] };
const context = {
  redis_url: 'redis://redis:6379', procId: 1, firingId: 1,
  hfId: 'hf', appId: 'app', wfname: 'workflow', workdir: '/work_dir',
};
const job = createK8sJobYaml(task, ['hf:1:1:1'], context, template, {});
process.stdout.write(JSON.stringify(k8s.ObjectSerializer.serialize(job, 'V1Job')) + '\n');
