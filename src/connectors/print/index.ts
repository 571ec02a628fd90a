/** The console sink behind `DataStream.print()`. */
export { formatPrintValue, printPrefix } from './print-format.js';
export { PrintSink, PrintSinkWriter, type PrintTarget } from './print-sink.js';
