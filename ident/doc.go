// Package ident checks the national identifiers the award deals with: the
// unified social credit code of an organisation (统一社会信用代码, GB 32100-2015)
// and the citizen identity number (公民身份号码, GB 11643-1999). Errors are
// written for the person who typed the value: in Chinese, saying what is wrong.
package ident
