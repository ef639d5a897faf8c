// @vpush/client: the CommonJS entry. The library is plain ES modules; Node loads them with require() since
// 20.19 and 22.12 (require(esm)), so this entry re-exports them rather than keeping a second copy.
'use strict';
module.exports = require('./index.js');
