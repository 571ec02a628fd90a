/**
 * Base for operators that wrap one user function: copies the function for this subtask, and
 * opens and closes it with a runtime context.
 */
import type { RuntimeContext } from '../../types/functions.js';
import { AbstractStreamOperator } from '../operator.js';
import { createRuntimeContext } from './runtime-context.js';
import { closeUserFunction, cloneUserFunction, openUserFunction } from './user-function.js';

/** An operator around a user function `F`. */
export abstract class UserFunctionOperator<F, OUT> extends AbstractStreamOperator<OUT> {
  protected readonly userFunction: F;
  protected runtimeContext!: RuntimeContext;

  constructor(userFunction: F) {
    super();
    this.userFunction = cloneUserFunction(userFunction);
  }

  override open(): void {
    this.runtimeContext = createRuntimeContext(this.setupInfo);
    openUserFunction(this.userFunction, this.runtimeContext);
  }

  override close(): void | Promise<void> {
    closeUserFunction(this.userFunction);
  }
}
