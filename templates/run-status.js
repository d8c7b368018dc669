// The run's status record, /work_dir/hfgen-run.json, kept by the engine Job's start-up script
// (hyperflow-engine-job.yml) and read by the post-processing Jobs and by people:
//   {"run", "state": "Running"|"Succeeded"|"Failed", "started", "ended", "exitCode", "reason",
//    "tasks": {"succeeded", "failed"}}
// `run` is the engine Job's uid (HFGEN_RUN_ID), so a pod of the same Job that starts again (a
// node came back) does not run the workflow a second time.
//
//   node run-status.js begin           exit 0: a new run is recorded as Running, run it;
//                                      exit 1: this Job already ran it (the record says how)
//   node run-status.js end CODE [WHY]  records the end: Succeeded if CODE is 0, else Failed
//   node run-status.js exit-code       prints the recorded exit code (1 if there is none)
//
// Written for the engine image's Node 12.
'use strict';
const fs = require('fs');

const workDir = process.env.HFGEN_WORK_DIR || '/work_dir';
const recordPath = workDir + '/hfgen-run.json';
const engineLog = workDir + '/hfgen-engine.log';
const runId = process.env.HFGEN_RUN_ID || process.env.HOSTNAME || 'unknown';

function read() {
  try {
    return JSON.parse(fs.readFileSync(recordPath, 'utf8'));
  } catch (err) {
    return null;
  }
}

function write(record) {
  fs.writeFileSync(recordPath + '.tmp', JSON.stringify(record, null, 2) + '\n');
  fs.renameSync(recordPath + '.tmp', recordPath);
}

// Tasks that reported their end to the engine, from its log ("Job ended with result: [ null, '0' ]").
function taskCounts() {
  let text = '';
  try {
    text = fs.readFileSync(engineLog, 'utf8');
  } catch (err) {
    return { succeeded: 0, failed: 0 };
  }
  const codes = text.match(/Job ended with result: \[ null, '(-?\d+)' \]/g) || [];
  const succeeded = codes.filter((line) => /'0' \]$/.test(line)).length;
  return { succeeded: succeeded, failed: codes.length - succeeded };
}

const [command, code, reason] = process.argv.slice(2);
const previous = read();
const now = new Date().toISOString();

if (command === 'begin') {
  if (previous && previous.run === runId) {
    if (previous.state === 'Running') {
      previous.state = 'Failed';
      previous.ended = now;
      previous.exitCode = 1;
      previous.reason = 'the engine pod ended during the run; this Job does not run the workflow again';
      previous.tasks = taskCounts();
      write(previous);
    }
    console.log('This Job already ran the workflow (' + previous.state + ', ' + recordPath +
      '); it does not run it again. To run again, delete the Job and apply it anew.');
    process.exit(1);
  }
  write({ run: runId, state: 'Running', started: now });
  process.exit(0);
} else if (command === 'end') {
  const record = previous && previous.run === runId ? previous : { run: runId };
  const exitCode = Number(code);
  record.state = exitCode === 0 ? 'Succeeded' : 'Failed';
  record.ended = now;
  record.exitCode = exitCode;
  if (reason) {
    record.reason = reason;
  }
  record.tasks = taskCounts();
  write(record);
} else if (command === 'exit-code') {
  console.log(previous && typeof previous.exitCode === 'number' ? previous.exitCode : 1);
} else {
  console.error('usage: run-status.js begin | end CODE [REASON] | exit-code');
  process.exit(2);
}
