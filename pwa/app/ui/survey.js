// The campaign's own questions for the door (server/surveys/), each optional, as chips: the door screen and the
// paper entry screen ask them the same way. A tap answers; the same tap again takes the answer back.
import { t } from '../../lib/i18n.js';
import { html, nothing } from '../../ui/screen.js';

/** A question's option as a volunteer reads it: yes/no in their language, a choice as the organizer wrote it. */
export function optionText(question, option) {
  return question.kind === 'yes_no' ? t(`door.questions.${option}`) : option;
}

/** What answering ``question`` with ``option`` makes of ``answers``: the option, or no answer if it was that. */
export function answered(answers, question, option) {
  const next = { ...answers };
  if (next[question.id] === option) delete next[question.id];
  else next[question.id] = option;
  return next;
}

/**
 * The questions with their answers pressed; ``onAnswer`` gets the answers as the tap leaves them.
 * @param {{id: string, questions: any[], answers: Record<string, string>, onAnswer: (next: Record<string, string>) => void}} survey
 */
export function surveyChips({ id, questions, answers, onAnswer }) {
  if (!questions.length) return nothing;
  return html`<div class="survey" id=${id}>
    <p class="step-title">${t('door.questions.title')}</p>
    ${questions.map((question) => html`<div class="survey-question">
      <p class="question-label" id=${`${id}-${question.id}`}>${question.label}</p>
      <div class="chips" role="group" aria-labelledby=${`${id}-${question.id}`}>${question.options.map((option) =>
        html`<button type="button" class="chip answer" data-question=${question.id} data-answer=${option}
          aria-pressed=${answers[question.id] === option ? 'true' : 'false'}
          @click=${() => onAnswer(answered(answers, question, option))}>${optionText(question, option)}</button>`)}</div>
    </div>`)}
  </div>`;
}
