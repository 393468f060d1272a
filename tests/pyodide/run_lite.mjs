// Runs the xlwings Lite scripts (lite/main.py) in real Pyodide under Node, offline, as Lite would:
// the workbook comes in as the JSON an Office.js client sends, the script is called through
// xlwings' own `custom_scripts_call`, and the actions it queued for the client go out.
//
//   node run_lite.mjs SPEC.json OUT.json
//
// SPEC: {"wheels": [paths of py3-none-any wheels], "main": path of main.py, "env": {...},
//        "as_of": ISO time or null, "calls": [{"script": name, "book": the book's JSON}]}
// OUT:  {"python": version, "load_seconds": s, "install_seconds": s, "scripts": [Lite's script
//        metadata], "modules": [modules loaded], "results": [{"script", "actions", "seconds", "output"}]}
// Pyodide's own stdout/stderr (the scripts' prints: Lite's Output pane) go to this process's stderr.
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide } from "pyodide";

const here = dirname(fileURLToPath(import.meta.url));
const [specPath, outPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, "utf8"));

let started = performance.now();
let output = [];
const pyodide = await loadPyodide({
  indexURL: join(here, "node_modules", "pyodide"),
  stdout: (line) => { output.push(line); process.stderr.write(line + "\n"); },
  stderr: (line) => { output.push(line); process.stderr.write(line + "\n"); },
});
const loadSeconds = (performance.now() - started) / 1000;

started = performance.now();
pyodide.FS.mkdirTree("/tmp/wheels");
const wheels = spec.wheels.map((path) => {
  const target = "/tmp/wheels/" + basename(path);
  pyodide.FS.writeFile(target, readFileSync(path));
  return target;
});
pyodide.FS.mkdirTree("/home/pyodide/lite");
pyodide.FS.writeFile("/home/pyodide/lite/main.py", readFileSync(spec.main));
pyodide.globals.set("WHEELS", pyodide.toPy(wheels));
pyodide.globals.set("ENV", pyodide.toPy(spec.env || {}));
await pyodide.runPythonAsync(`
import os, sys, sysconfig, zipfile
os.environ.update(ENV)
purelib = sysconfig.get_paths()["purelib"]
for wheel in WHEELS:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(purelib)
`);
const installSeconds = (performance.now() - started) / 1000;

pyodide.FS.writeFile("/tmp/spec.json", JSON.stringify({ as_of: spec.as_of, calls: spec.calls }));
const results = [];
pyodide.runPython(`
import importlib.util, json, sys, time
from datetime import datetime

sys.path.insert(0, "/home/pyodide/lite")
import xlwings as xw
from xlwings.server import custom_scripts_call, custom_scripts_meta  # what the Lite runtime calls

import main  # lite/main.py, as pasted into the Lite editor
import addin.lite

SPEC = json.load(open("/tmp/spec.json", encoding="utf-8"))
if SPEC["as_of"]:
    as_of = datetime.fromisoformat(SPEC["as_of"])
    addin.lite.now = lambda: as_of
`);
const scripts = pyodide.runPython("json.dumps(custom_scripts_meta(main))");
for (let index = 0; index < spec.calls.length; index++) {
  output = [];
  pyodide.globals.set("INDEX", index);
  const result = await pyodide.runPythonAsync(`
call = SPEC["calls"][INDEX]
book = xw.Book(json=call["book"])
started = time.perf_counter()
await custom_scripts_call(main, call["script"], typehint_to_value={xw.Book: book})
json.dumps({"script": call["script"], "seconds": time.perf_counter() - started, "actions": book.json()["actions"]}, default=str)
`);
  results.push({ ...JSON.parse(result), output });
}
const modules = JSON.parse(pyodide.runPython("json.dumps(sorted(sys.modules))"));
const python = pyodide.runPython("sys.version.split()[0]");
writeFileSync(
  outPath,
  JSON.stringify({ python, load_seconds: loadSeconds, install_seconds: installSeconds, scripts: JSON.parse(scripts), modules, results }),
);
