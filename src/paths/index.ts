// The output-path policy every writing command follows: an output stays inside the folder
// the user named, is never an input, replaces an existing file only with --overwrite (and
// only a file of the kind the command writes), and its folder is checked before any work.
export { checkOutputFile, type OutputFileRule } from './output-file.js';
export { checkOutputFolder, folderProblem, makeOutputFolder, refuseSystemPath, systemFolderOf, writeCause } from './output-folder.js';
export { placeUnder } from './output-tree.js';
export { isWithin, leavesFolder, realPath, samePath } from './real-path.js';
