import type { Diagnostic } from '../../core/types.js';
import type { Evaluator } from '../../languages/python/values/index.js';
import type { PytestConfig } from './config.js';
import type { PytestClasses } from './engine-classes.js';
import type { PytestFixtures } from './engine-fixtures.js';
import type { PytestMarks } from './engine-marks.js';
import type { PytestParametrize } from './engine-parametrize.js';
import type { EngineOptions } from './engine-shared.js';
import type { PytestEngine } from './engine.js';
import type { IdOptions } from './ids.js';
import type { PythonProject } from './project.js';

/** What every part of the collection reaches: the project, config, evaluator and the other parts. */
export interface EngineContext {
  project: PythonProject;
  cfg: PytestConfig;
  evaluator: Evaluator;
  idOpts: IdOptions;
  opts: EngineOptions;
  diag(d: Omit<Diagnostic, 'runner'>): void;
  fixtures: PytestFixtures;
  marks: PytestMarks;
  classes: PytestClasses;
  params: PytestParametrize;
  engine: PytestEngine;
}
